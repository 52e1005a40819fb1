using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClusterSim.Node;
using ClusterSim.Patching;
using ClusterSim.Store;
using Microsoft.AspNetCore.Http;

namespace ClusterSim.Api;

/// <summary>A parsed resource URL: /api/v1/namespaces/NS/pods/NAME/log -> (pods, NS, NAME, log).</summary>
internal sealed record ResourceRequest(ResourceType Type, string? Namespace, string? Name, string? Subresource);

/// <summary>What the API server asks the node's kubelet for: container logs (pods/NAME/log) and stats (nodes/NAME/proxy/stats/summary).</summary>
internal interface IKubeletApi
{
    /// <summary>The log of the container's current run, or of the previous one.</summary>
    ContainerLog Open(JsonObject pod, string container, bool previous);

    /// <summary>The stats/v1alpha1 Summary the kubelet serves at /stats/summary.</summary>
    JsonObject Summary(DateTimeOffset now);
}

/// <summary>
/// The REST verbs on resources: get, list, watch, create, update, patch, delete (and the status, scale and log
/// subresources), with the real server's semantics for resourceVersion, generation, status and namespaces.
/// </summary>
internal sealed class ResourceHandler(ObjectStore store, IKubeletApi kubelet)
{
    private static readonly TimeSpan DefaultWatchTimeout = TimeSpan.FromMinutes(30);

    public static ResourceRequest? Parse(PathString path)
    {
        var segments = (path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        string group, version;
        int rest;
        if (segments.Length >= 2 && segments[0] == "api")
        {
            (group, version, rest) = ("", segments[1], 2);
        }
        else if (segments.Length >= 3 && segments[0] == "apis")
        {
            (group, version, rest) = (segments[1], segments[2], 3);
        }
        else
        {
            return null;
        }

        var tail = segments[rest..];
        string? ns = null;
        if (tail.Length >= 3 && tail[0] == "namespaces")
        {
            ns = tail[1];
            tail = tail[2..];
        }

        if (tail.Length is 0 or > 3 || ResourceTypes.Find(group, version, tail[0]) is not { } type)
        {
            return null;
        }

        if (ns is not null && !type.Namespaced)
        {
            return null;
        }

        return new ResourceRequest(type, ns, tail.Length > 1 ? tail[1] : null, tail.Length > 2 ? tail[2] : null);
    }

    public async Task HandleAsync(HttpContext context, ResourceRequest request, CancellationToken shutdown)
    {
        var method = context.Request.Method;
        var type = request.Type;
        if (request.Subresource is { } sub && !type.HasSubresource(sub))
        {
            throw NotFoundPath();
        }

        if (type.Namespaced && request.Namespace is null && (request.Name is not null || method != "GET"))
        {
            throw NotFoundPath();
        }

        switch (method, request.Name is null, request.Subresource)
        {
            case ("GET", true, null) when IsWatch(context.Request):
                await WatchAsync(context, request, shutdown);
                return;
            case ("GET", true, null):
                await WriteAsync(context, 200, List(context.Request, request));
                return;
            case ("GET", false, null or "status"):
                await WriteAsync(context, 200, Present(context.Request, type, [Get(request)]));
                return;
            case ("GET", false, "scale"):
                await WriteAsync(context, 200, Scale(Get(request)));
                return;
            case ("GET", false, "log"):
                await WriteLogAsync(context, Get(request), shutdown);
                return;
            case ("POST", true, null):
                await WriteAsync(context, 201, Create(request, await ReadObjectAsync(context.Request), IsDryRun(context.Request)));
                return;
            case ("PUT", false, null) when type.AllowCreateOnUpdate && store.Get(type, request.Namespace ?? "", request.Name!) is null:
                var body = await ReadObjectAsync(context.Request);
                CheckName(request, body);
                Meta.Of(body)["name"] = request.Name;
                await WriteAsync(context, 201, Create(request, body, IsDryRun(context.Request)));
                return;
            case ("PUT", false, _):
                await WriteAsync(context, 200, Update(request, await ReadObjectAsync(context.Request), IsDryRun(context.Request)));
                return;
            case ("PATCH", false, _):
                await WriteAsync(context, 200, Patch(request, context.Request.ContentType ?? "", await ReadAsync(context.Request), IsDryRun(context.Request)));
                return;
            case ("DELETE", false, null) when IsDryRun(context.Request):
                var target = Get(request);
                Preconditions.From(await ReadOptionalObjectAsync(context.Request))?.CheckBeforeDelete(type, target);
                await WriteAsync(context, 200, target);
                return;
            case ("DELETE", false, null):
                await WriteAsync(context, 200, Delete(request, context.Request, await ReadOptionalObjectAsync(context.Request)));
                return;
            case ("DELETE", true, null):
                await WriteAsync(context, 200, DeleteCollection(context.Request, request));
                return;
            default:
                throw ApiException.MethodNotAllowed(method, type);
        }
    }

    /// <summary>
    /// GET /api/v1/nodes/NAME/proxy/PATH: the API server's node proxy to the kubelet, which serves stats/summary here
    /// (what `kubectl get --raw` fetches); other kubelet paths answer as its mux does for unknown ones.
    /// </summary>
    public async Task ProxyToNodeAsync(HttpContext context, string node, string path)
    {
        if (store.Get(ResourceTypes.Nodes, "", node) is null)
        {
            throw ApiException.NotFound(ResourceTypes.Nodes, node);
        }

        if (context.Request.Method == "GET" && path == "stats/summary")
        {
            await WriteAsync(context, 200, kubelet.Summary(DateTimeOffset.UtcNow));
            return;
        }

        context.Response.StatusCode = 404;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync("404 page not found\n");
    }

    private JsonObject Get(ResourceRequest request) =>
        store.Get(request.Type, request.Namespace ?? "", request.Name!) ?? throw ApiException.NotFound(request.Type, request.Name!);

    private JsonObject List(HttpRequest http, ResourceRequest request)
    {
        var (items, version) = Select(http, request);
        if (WantsTable(http))
        {
            return Tables.Build(request.Type, items, version, http.Query["includeObject"].ToString(), DateTimeOffset.UtcNow);
        }

        return new JsonObject
        {
            ["kind"] = request.Type.Kind + "List",
            ["apiVersion"] = request.Type.GroupVersion,
            ["metadata"] = new JsonObject { ["resourceVersion"] = version.ToString(CultureInfo.InvariantCulture) },
            ["items"] = items.Select(i => (JsonNode?)WithoutTypeMeta(i)).ToJsonArray(),
        };
    }

    private (List<JsonObject> Items, long Version) Select(HttpRequest http, ResourceRequest request)
    {
        var (labels, fields) = Selectors(http, request.Type);
        var (items, version) = store.ListWithVersion(request.Type, request.Namespace);
        return (items.Where(i => labels.Matches(i) && fields.Matches(i)).ToList(), version);
    }

    private static (LabelSelector Labels, FieldSelector Fields) Selectors(HttpRequest http, ResourceType type) =>
        (LabelSelector.Parse(http.Query["labelSelector"]), FieldSelector.Parse(http.Query["fieldSelector"], type));

    private JsonObject Present(HttpRequest http, ResourceType type, IReadOnlyList<JsonObject> objects) =>
        WantsTable(http)
            ? Tables.Build(type, objects, store.Version, http.Query["includeObject"].ToString(), DateTimeOffset.UtcNow)
            : objects[0];

    private async Task WatchAsync(HttpContext context, ResourceRequest request, CancellationToken shutdown)
    {
        var http = context.Request;
        var (labels, fields) = Selectors(http, request.Type);
        long? since = long.TryParse(http.Query["resourceVersion"], CultureInfo.InvariantCulture, out var rv) ? rv : null;
        var timeout = int.TryParse(http.Query["timeoutSeconds"], CultureInfo.InvariantCulture, out var seconds) ? TimeSpan.FromSeconds(seconds) : DefaultWatchTimeout;
        var table = WantsTable(http);
        var includeObject = http.Query["includeObject"].ToString();

        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await context.Response.StartAsync(shutdown);
        await context.Response.Body.FlushAsync(shutdown);

        Watcher watcher;
        try
        {
            watcher = store.Watch(request.Type, request.Namespace, o => labels.Matches(o) && fields.Matches(o), since);
        }
        catch (ApiException gone)
        {
            await WriteEventAsync(context, "ERROR", gone.ToStatus(), shutdown);
            return;
        }

        using (watcher)
        using (var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, shutdown))
        {
            stop.CancelAfter(timeout);
            try
            {
                await foreach (var change in watcher.Events.ReadAllAsync(stop.Token))
                {
                    var obj = table ? Tables.Build(request.Type, [change.Object], store.Version, includeObject, DateTimeOffset.UtcNow) : change.Object;
                    await WriteEventAsync(context, change.Type, obj, stop.Token);
                }
            }
            catch (OperationCanceledException)
            {
                // The watch ends: its timeout passed, the client went away, or the server stops.
            }
            catch (IOException)
            {
                // The client closed the connection mid-write.
            }
        }
    }

    private static async Task WriteEventAsync(HttpContext context, string type, JsonObject obj, CancellationToken cancel)
    {
        var line = Json.Serialize(new JsonObject { ["type"] = type, ["object"] = obj.Clone() }) + "\n";
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(line), cancel);
        await context.Response.Body.FlushAsync(cancel);
    }

    private JsonObject Create(ResourceRequest request, JsonObject body, bool dryRun)
    {
        var type = request.Type;
        CheckTypeMeta(type, body);
        var meta = Meta.Of(body);
        var ns = request.Namespace ?? "";
        if (type.Namespaced)
        {
            if (meta.Str("namespace") is { Length: > 0 } bodyNamespace && bodyNamespace != ns)
            {
                throw ApiException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
            }

            meta["namespace"] = ns;
            RequireNamespace(type, ns, Meta.Name(body));
        }

        if (string.IsNullOrEmpty(Meta.Name(body)) && meta.Str("generateName") is { Length: > 0 } prefix)
        {
            meta["name"] = prefix + Names.RandomSuffix();
        }

        foreach (var field in new[] { "uid", "resourceVersion", "creationTimestamp", "generation", "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields" })
        {
            meta.Remove(field);
        }

        body.Remove("status");
        Defaults.Apply(type, body);
        if (type == ResourceTypes.Pods)
        {
            body["status"] = new JsonObject { ["phase"] = "Pending", ["qosClass"] = Quantities.QosClass(body) };
            Admission.Pod(store, body);
        }

        Validation.Validate(type, body, null);
        if (dryRun)
        {
            if (store.Get(type, ns, Meta.Name(body)) is not null)
            {
                throw ApiException.AlreadyExists(type, Meta.Name(body));
            }

            var created = Meta.Of(body);
            created["uid"] = Guid.NewGuid().ToString();
            created["creationTimestamp"] = Json.Time(DateTimeOffset.UtcNow);
            body["apiVersion"] = type.GroupVersion;
            body["kind"] = type.Kind;
            return body;
        }

        return store.Create(type, body);
    }

    private void RequireNamespace(ResourceType type, string ns, string name)
    {
        var namespaceObject = store.Get(ResourceTypes.Namespaces, "", ns) ?? throw ApiException.NotFound(ResourceTypes.Namespaces, ns);
        if (Meta.IsTerminating(namespaceObject))
        {
            throw new ApiException(403, "Forbidden",
                $"{type.QualifiedName} \"{name}\" is forbidden: unable to create new content in namespace {ns} because it is being terminated");
        }
    }

    private JsonObject Update(ResourceRequest request, JsonObject body, bool dryRun)
    {
        CheckTypeMeta(request.Type, body);
        CheckName(request, body);
        if (request.Subresource == "scale")
        {
            return ApplyScale(request, _ => body, dryRun);
        }

        if (!request.Type.AllowUnconditionalUpdate && string.IsNullOrEmpty(body.Str("metadata", "resourceVersion")))
        {
            throw ApiException.Invalid(request.Type, request.Name!, ["metadata.resourceVersion: Invalid value: 0x0: must be specified for an update"], byResource: true);
        }

        return Write(request, current => body, dryRun);
    }

    private JsonObject Patch(ResourceRequest request, string contentType, string body, bool dryRun)
    {
        var mediaType = contentType.Split(';')[0].Trim();
        JsonNode? patch;
        try
        {
            patch = JsonNode.Parse(body);
        }
        catch (JsonException e)
        {
            throw ApiException.BadRequest($"error decoding patch: {e.Message}");
        }

        Func<JsonObject, JsonObject> apply = mediaType switch
        {
            "application/json-patch+json" => current => JsonPatch.Apply(current, patch),
            "application/merge-patch+json" => current => MergePatch.Apply(current, patch) as JsonObject ?? throw ApiException.BadRequest("the patch must be a JSON object"),
            "application/strategic-merge-patch+json" => current => StrategicMerge.Apply(current, patch as JsonObject ?? throw ApiException.BadRequest("the patch must be a JSON object")),
            _ => throw ApiException.UnsupportedMediaType(contentType),
        };
        return request.Subresource == "scale" ? ApplyScale(request, apply, dryRun) : Write(request, apply, dryRun);
    }

    /// <summary>
    /// Update and patch share this: a resourceVersion in the new object is a precondition; a write to the main
    /// resource keeps the stored status, a write to /status keeps everything but the status.
    /// </summary>
    private JsonObject Write(ResourceRequest request, Func<JsonObject, JsonObject> change, bool dryRun)
    {
        var type = request.Type;
        return Update(request, dryRun, current =>
        {
            var updated = change(current.Clone());
            if (updated.Str("metadata", "resourceVersion") is { Length: > 0 } expected && expected != current.Str("metadata", "resourceVersion"))
            {
                throw ApiException.Conflict(type, request.Name!);
            }

            JsonObject result;
            if (request.Subresource == "status")
            {
                result = current.Clone();
                result["status"] = updated["status"]?.DeepClone();
            }
            else
            {
                result = updated;
                result["status"] = current["status"]?.DeepClone();
                var meta = Meta.Of(result);
                meta["deletionTimestamp"] = current.At("metadata", "deletionTimestamp")?.DeepClone();
                meta["deletionGracePeriodSeconds"] = current.At("metadata", "deletionGracePeriodSeconds")?.DeepClone();
                RemoveNulls(meta);
                meta.Remove("managedFields");
            }

            Defaults.Apply(type, result);
            Validation.Validate(type, result, current);
            return result;
        });
    }

    /// <summary>A store update, or with dryRun=All only its result (nothing is stored).</summary>
    private JsonObject Update(ResourceRequest request, bool dryRun, Func<JsonObject, JsonObject> change) =>
        dryRun ? change(Get(request)) : store.Update(request.Type, request.Namespace ?? "", request.Name!, change);

    private static bool IsDryRun(HttpRequest http) => http.Query["dryRun"].ToString() == "All";

    private static void RemoveNulls(JsonObject obj)
    {
        foreach (var key in obj.Where(p => p.Value is null).Select(p => p.Key).ToList())
        {
            obj.Remove(key);
        }
    }

    private JsonObject Scale(JsonObject workload) => new()
    {
        ["kind"] = "Scale",
        ["apiVersion"] = "autoscaling/v1",
        ["metadata"] = new JsonObject
        {
            ["name"] = Meta.Name(workload),
            ["namespace"] = Meta.Namespace(workload),
            ["uid"] = Meta.Uid(workload),
            ["resourceVersion"] = workload.Str("metadata", "resourceVersion"),
            ["creationTimestamp"] = workload.Str("metadata", "creationTimestamp"),
        },
        ["spec"] = new JsonObject { ["replicas"] = workload.Long("spec", "replicas") ?? 0 },
        ["status"] = new JsonObject
        {
            ["replicas"] = workload.Long("status", "replicas") ?? 0,
            ["selector"] = LabelSelector.Format(workload.Obj("spec", "selector")),
        },
    };

    private JsonObject ApplyScale(ResourceRequest request, Func<JsonObject, JsonObject> change, bool dryRun)
    {
        var updated = Update(request, dryRun, current =>
        {
            var scale = change(Scale(current));
            if (scale.Long("spec", "replicas") is not { } replicas || replicas < 0)
            {
                throw new ApiException(422, "Invalid", $"Scale.autoscaling \"{request.Name}\" is invalid: spec.replicas: Invalid value: {scale.Long("spec", "replicas")}: must be greater than or equal to 0");
            }

            current.Child("spec")["replicas"] = replicas;
            return current;
        });
        return Scale(updated);
    }

    private JsonObject Delete(ResourceRequest request, HttpRequest http, JsonObject? options)
    {
        var grace = long.TryParse(http.Query["gracePeriodSeconds"], CultureInfo.InvariantCulture, out var g) ? g : options?.Long("gracePeriodSeconds");
        var propagation = http.Query["propagationPolicy"].ToString() is { Length: > 0 } p ? p : options?.Str("propagationPolicy");
        var type = request.Type;
        var deleted = Deletion.Delete(store, type, request.Namespace ?? "", request.Name!, grace, propagation, Preconditions.From(options))
            ?? throw ApiException.NotFound(type, request.Name!);
        if (type == ResourceTypes.Pods || type == ResourceTypes.Namespaces)
        {
            return deleted;
        }

        var details = new JsonObject { ["name"] = request.Name, ["group"] = type.Group, ["kind"] = type.Plural, ["uid"] = Meta.Uid(deleted) };
        return new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Success",
            ["details"] = details,
        };
    }

    private JsonObject DeleteCollection(HttpRequest http, ResourceRequest request)
    {
        var (items, _) = Select(http, request);
        var propagation = http.Query["propagationPolicy"].ToString();
        var deleted = items.Select(i => Deletion.Delete(store, request.Type, Meta.Namespace(i), Meta.Name(i), null, propagation))
            .OfType<JsonObject>().Select(i => (JsonNode?)WithoutTypeMeta(i)).ToJsonArray();
        return new JsonObject
        {
            ["kind"] = request.Type.Kind + "List",
            ["apiVersion"] = request.Type.GroupVersion,
            ["metadata"] = new JsonObject { ["resourceVersion"] = store.Version.ToString(CultureInfo.InvariantCulture) },
            ["items"] = deleted,
        };
    }

    /// <summary>
    /// The kubelet's log endpoint (pkg/kubelet/kuberuntime/logs ReadLogs) for one container: tailLines counts from the
    /// end of the log, then sinceSeconds/sinceTime drop older lines, timestamps prefixes each line with its RFC3339Nano
    /// time, limitBytes cuts the stream. With follow=true the connection stays open and new lines are sent as the
    /// container writes them, until its run ends (it exits, is restarted as a new run, or the pod is deleted).
    /// </summary>
    private async Task WriteLogAsync(HttpContext context, JsonObject pod, CancellationToken shutdown)
    {
        var query = context.Request.Query;
        var containers = pod.Arr("spec", "containers").Objects().Select(c => c.Str("name") ?? "").ToList();
        var container = query["container"].ToString();
        if (container.Length == 0)
        {
            container = containers.Count == 1
                ? containers[0]
                : throw ApiException.BadRequest($"a container name must be specified for pod {Meta.Name(pod)}, choose one of: [{string.Join(" ", containers)}]");
        }
        else if (!containers.Contains(container))
        {
            throw ApiException.BadRequest($"container {container} is not valid for pod {Meta.Name(pod)}");
        }

        static bool IsTrue(string value) => value is "true" or "1";
        var follow = IsTrue(query["follow"].ToString());
        var timestamps = IsTrue(query["timestamps"].ToString());
        int? tail = int.TryParse(query["tailLines"], CultureInfo.InvariantCulture, out var t) && t >= 0 ? t : null;
        long? limit = long.TryParse(query["limitBytes"], CultureInfo.InvariantCulture, out var l) && l > 0 ? l : null;
        DateTimeOffset? since = Json.ParseTime(query["sinceTime"].ToString())
            ?? (long.TryParse(query["sinceSeconds"], CultureInfo.InvariantCulture, out var seconds) && seconds > 0 ? DateTimeOffset.UtcNow.AddSeconds(-seconds) : null);
        var log = kubelet.Open(pod, container, IsTrue(query["previous"].ToString()));

        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/plain";
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, shutdown);
        var (lines, ended, changed) = log.Read(0);
        var position = lines.Count;
        var sent = 0L;
        async Task<bool> SendAsync(IEnumerable<LogLine> batch)
        {
            var text = new StringBuilder();
            foreach (var line in batch.Where(line => since is null || line.At >= since))
            {
                text.Append(timestamps ? line.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff", CultureInfo.InvariantCulture) + "00Z " : "").Append(line.Text).Append('\n');
            }

            var bytes = Encoding.UTF8.GetBytes(text.ToString());
            var room = limit is { } max ? (int)Math.Min(bytes.Length, max - sent) : bytes.Length;
            await context.Response.Body.WriteAsync(bytes.AsMemory(0, room), stop.Token);
            sent += room;
            return limit is null || sent < limit;
        }

        try
        {
            if (!await SendAsync(tail is { } last && last < lines.Count ? lines.Skip(lines.Count - last) : lines) || !follow)
            {
                return;
            }

            await context.Response.Body.FlushAsync(stop.Token);
            while (!ended)
            {
                await changed.WaitAsync(stop.Token);
                (lines, ended, changed) = log.Read(position);
                position += lines.Count;
                if (!await SendAsync(lines))
                {
                    return;
                }

                await context.Response.Body.FlushAsync(stop.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The follower went away, or the server stops.
        }
    }

    private static void CheckName(ResourceRequest request, JsonObject body)
    {
        if (Meta.Name(body) is { Length: > 0 } bodyName && bodyName != request.Name)
        {
            throw ApiException.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({request.Name})");
        }
    }

    private static void CheckTypeMeta(ResourceType type, JsonObject body)
    {
        if (body.Str("apiVersion") is { Length: > 0 } apiVersion && apiVersion != type.GroupVersion && body.Str("kind") != "Scale")
        {
            throw ApiException.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({type.GroupVersion})");
        }
    }

    private static bool IsWatch(HttpRequest http) => http.Query["watch"].ToString() is "true" or "1";

    private static bool WantsTable(HttpRequest http) =>
        http.Headers.Accept.ToString().Split(',').FirstOrDefault()?.Contains("as=Table", StringComparison.Ordinal) == true;

    private static JsonObject WithoutTypeMeta(JsonObject obj)
    {
        var copy = obj.Clone();
        copy.Remove("kind");
        copy.Remove("apiVersion");
        return copy;
    }

    private static ApiException NotFoundPath() => new(404, "NotFound", "the server could not find the requested resource");

    private static async Task<string> ReadAsync(HttpRequest http)
    {
        using var reader = new StreamReader(http.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    private static async Task<JsonObject> ReadObjectAsync(HttpRequest http) =>
        await ReadOptionalObjectAsync(http) ?? throw ApiException.BadRequest("the request body is empty");

    private static async Task<JsonObject?> ReadOptionalObjectAsync(HttpRequest http)
    {
        if (Protobuf.IsProtobuf(http.ContentType))
        {
            using var buffer = new MemoryStream();
            await http.Body.CopyToAsync(buffer);
            return Protobuf.Decode(buffer.ToArray());
        }

        var text = await ReadAsync(http);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(text) as JsonObject ?? throw ApiException.BadRequest("the request body is not a JSON object");
        }
        catch (JsonException e)
        {
            throw ApiException.BadRequest($"the object provided is unrecognized: {e.Message}");
        }
    }

    public static async Task WriteAsync(HttpContext context, int status, JsonObject body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(Json.Serialize(body));
    }
}
