using System.Formats.Tar;
using System.Globalization;
using System.Text.Json.Nodes;

namespace ClusterSim.Node;

/// <summary>
/// The node's container runtime as a real dockerd (<see cref="NodeRuntime.DockerDaemon"/>): whatever the user's
/// docker CLI built, tagged or loaded there through `minikube docker-env` is what the kubelet finds, and the
/// kubelet's containers are real (created, never started) containers named like cri-dockerd names them, so the
/// daemon itself refuses `docker rmi` of a tag a container uses (the minikube#23023 trap). A fresh daemon is given
/// empty images under the names of minikube's system images (kube-apiserver, pause, ...), as a node has them.
/// </summary>
internal sealed class DaemonEngine : INodeEngine
{
    private const string PodUidLabel = "io.kubernetes.pod.uid";
    private readonly DockerApi api;
    private int loads;

    private DaemonEngine(DockerApi api) => this.api = api;

    public event Action? Changed;

    public int LoadCount => Volatile.Read(ref loads);

    public static async Task<DaemonEngine> CreateAsync(DockerApi api, string kubernetesVersion, CancellationToken cancel = default)
    {
        var engine = new DaemonEngine(api);
        foreach (var reference in DockerEngine.SystemImageReferences(kubernetesVersion))
        {
            await engine.ImportEmptyAsync(reference, cancel);
        }

        return engine;
    }

    /// <summary>`docker import` of an empty root filesystem under a name (a stand-in for an image no one can pull here).</summary>
    private async Task ImportEmptyAsync(string reference, CancellationToken cancel)
    {
        var parsed = ImageReference.Parse(reference);
        using var tar = new MemoryStream();
        await using (var writer = new TarWriter(tar, leaveOpen: true))
        {
            await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.Directory, "etc/"), cancel);
        }

        tar.Position = 0;
        var repository = Uri.EscapeDataString(parsed.Repository);
        var change = Uri.EscapeDataString($"LABEL io.clustersim.system={parsed.FamiliarRepository}");
        var (status, body) = await api.SendAsync(HttpMethod.Post, $"images/create?fromSrc=-&repo={repository}&tag={parsed.Tag}&changes={change}", DockerApi.Tar(tar), cancel);
        if (status != 200 || body.Contains("\"error\"", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"docker import {reference} on the node failed: {body}");
        }
    }

    public NodeImage? Inspect(string reference)
    {
        var (status, body) = api.Send(HttpMethod.Get, $"images/{reference}/json");
        return status == 200 ? Describe(JsonNode.Parse(body) as JsonObject ?? []) : null;
    }

    public IReadOnlyList<TaggedImage> List()
    {
        var (status, body) = api.Send(HttpMethod.Get, "images/json");
        if (status != 200)
        {
            throw new InvalidOperationException($"docker images on the node failed: {DockerApi.ErrorMessage(body)}");
        }

        return (JsonNode.Parse(body) as JsonArray).Objects()
            .Select(i => new TaggedImage(Describe(i), Strings(i, "RepoTags").Where(t => t != "<none>:<none>")
                .Select(t => ImageReference.Parse(t).WithDefaultTag().ToString()).Order(StringComparer.Ordinal).ToList()))
            .OrderBy(i => i.Tags.FirstOrDefault() ?? "~", StringComparer.Ordinal)
            .ToList();
    }

    public RemoveOutcome Remove(string reference, out string message)
    {
        var (status, body) = api.Send(HttpMethod.Delete, $"images/{reference}");
        switch (status)
        {
            case 200:
                var lines = (JsonNode.Parse(body) as JsonArray).Objects()
                    .Select(l => l.Str("Untagged") is { } untagged ? $"Untagged: {untagged}" : $"Deleted: {l.Str("Deleted")}").ToList();
                message = string.Join("\n", lines);
                Changed?.Invoke();
                return lines.Any(l => l.StartsWith("Deleted:", StringComparison.Ordinal)) ? RemoveOutcome.Deleted : RemoveOutcome.Untagged;
            case 404:
                message = "Error response from daemon: " + DockerApi.ErrorMessage(body);
                return RemoveOutcome.NoSuchImage;
            case 409:
                message = "Error response from daemon: " + DockerApi.ErrorMessage(body);
                return RemoveOutcome.Conflict;
            default:
                throw new InvalidOperationException($"docker rmi {reference} on the node: HTTP {status}: {DockerApi.ErrorMessage(body)}");
        }
    }

    public async Task<LoadResult> LoadAsync(Stream archive, long? sizeHint, CancellationToken cancel)
    {
        var counting = new CountingStream(archive);
        var (status, body) = await api.SendAsync(HttpMethod.Post, "images/load?quiet=1", DockerApi.Tar(counting), cancel);
        var loaded = new List<string>();
        foreach (var line in body.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var message = JsonNode.Parse(line) as JsonObject;
            if (message.Str("error") is { } error)
            {
                throw new InvalidDataException(error);
            }

            if (message.Str("stream") is { } text && text.Trim().Length > 0)
            {
                loaded.Add(text.Trim());
            }
        }

        if (status != 200)
        {
            throw new InvalidDataException(DockerApi.ErrorMessage(body));
        }

        Interlocked.Add(ref loads, loaded.Count(l => l.StartsWith("Loaded image", StringComparison.Ordinal)));
        Changed?.Invoke();
        return new LoadResult(counting.BytesRead, loaded);
    }

    public void AddPulled(NodeImage image, string? tag) =>
        throw new NotSupportedException("the node's dockerd pulls nothing in the simulation: registry pulls are simulated for ClusterKind.Remote clusters");

    public string CreateContainer(ContainerRequest request, NodeImage image)
    {
        var body = new JsonObject
        {
            ["Image"] = image.Id,
            ["Cmd"] = new JsonArray("clustersim-never-started"),
            ["Labels"] = new JsonObject
            {
                [PodUidLabel] = request.PodUid,
                ["io.kubernetes.pod.name"] = request.PodName,
                ["io.kubernetes.pod.namespace"] = request.Namespace,
                ["io.kubernetes.container.name"] = request.ContainerName,
            },
            ["HostConfig"] = new JsonObject { ["NetworkMode"] = "none" },
        };
        var (status, response) = api.Send(HttpMethod.Post, $"containers/create?name={request.DockerName}", body);
        if (status != 201)
        {
            throw new InvalidOperationException($"docker create {request.DockerName} on the node: HTTP {status}: {DockerApi.ErrorMessage(response)}");
        }

        return JsonNode.Parse(response).Str("Id") ?? throw new InvalidOperationException("docker create answered without an Id");
    }

    public void RemoveContainers(string podUid)
    {
        var filters = Uri.EscapeDataString(Json.Serialize(new JsonObject { ["label"] = new JsonArray($"{PodUidLabel}={podUid}") }));
        var (status, body) = api.Send(HttpMethod.Get, $"containers/json?all=1&filters={filters}");
        if (status != 200)
        {
            return;
        }

        foreach (var container in (JsonNode.Parse(body) as JsonArray).Objects())
        {
            api.Send(HttpMethod.Delete, $"containers/{container.Str("Id")}?force=1&v=1");
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static NodeImage Describe(JsonObject image)
    {
        var created = image["Created"] switch
        {
            JsonValue v when v.TryGetValue<long>(out var seconds) => DateTimeOffset.FromUnixTimeSeconds(seconds),
            JsonValue v when v.TryGetValue<string>(out var text) => Json.ParseTime(text) ?? DateTimeOffset.UnixEpoch,
            _ => DateTimeOffset.UnixEpoch,
        };
        var labels = image.StringMap("Labels") is { Count: > 0 } listed ? listed : image.StringMap("Config", "Labels");
        return new NodeImage(image.Str("Id") ?? "", image.Long("Size") ?? 0, labels, created, Strings(image, "RepoDigests").ToList());
    }

    private static IEnumerable<string> Strings(JsonObject obj, string key) =>
        obj.Arr(key)?.Select(t => t?.GetValue<string>() ?? "").Where(t => t.Length > 0) ?? [];
}
