using System.Text.Json.Nodes;

namespace ClusterSim.Api;

/// <summary>
/// Server-side printing: the meta.k8s.io/v1 Table that `kubectl get` asks for, with the columns the real
/// server's printers produce for each kind (priority 1 columns appear with -o wide).
/// </summary>
internal static class Tables
{
    private sealed record Column(string Name, string Type, int Priority = 0, string Format = "");

    public static JsonObject Build(ResourceType type, IEnumerable<JsonObject> objects, long resourceVersion, string includeObject, DateTimeOffset now)
    {
        var (columns, cells) = Printer(type, now);
        var rows = new JsonArray();
        foreach (var obj in objects)
        {
            var row = new JsonObject { ["cells"] = cells(obj).ToJsonArray() };
            if (includeObject == "Object")
            {
                row["object"] = obj.Clone();
            }
            else if (includeObject != "None")
            {
                row["object"] = new JsonObject
                {
                    ["kind"] = "PartialObjectMetadata",
                    ["apiVersion"] = "meta.k8s.io/v1",
                    ["metadata"] = obj["metadata"]?.DeepClone(),
                };
            }

            rows.Add(row);
        }

        return new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = new JsonObject { ["resourceVersion"] = resourceVersion.ToString() },
            ["columnDefinitions"] = columns.Select(c => (JsonNode?)new JsonObject
            {
                ["name"] = c.Name,
                ["type"] = c.Type,
                ["format"] = c.Format,
                ["description"] = c.Name,
                ["priority"] = c.Priority,
            }).ToJsonArray(),
            ["rows"] = rows,
        };
    }

    private static (Column[] Columns, Func<JsonObject, IEnumerable<JsonNode?>> Cells) Printer(ResourceType type, DateTimeOffset now)
    {
        string Age(JsonObject o) => Durations.Human(now - Meta.Created(o));
        var name = new Column("Name", "string", 0, "name");
        if (type == ResourceTypes.Deployments)
        {
            return (
                [name, new("Ready", "string"), new("Up-to-date", "integer"), new("Available", "integer"), new("Age", "string"),
                 new("Containers", "string", 1), new("Images", "string", 1), new("Selector", "string", 1)],
                d =>
                [
                    Meta.Name(d), $"{d.Long("status", "readyReplicas") ?? 0}/{d.Long("spec", "replicas") ?? 0}",
                    d.Long("status", "updatedReplicas") ?? 0, d.Long("status", "availableReplicas") ?? 0, Age(d),
                    Containers(d.Obj("spec", "template", "spec")), Images(d.Obj("spec", "template", "spec")),
                    LabelSelector.Format(d.Obj("spec", "selector")),
                ]);
        }

        if (type == ResourceTypes.ReplicaSets)
        {
            return (
                [name, new("Desired", "integer"), new("Current", "integer"), new("Ready", "integer"), new("Age", "string"),
                 new("Containers", "string", 1), new("Images", "string", 1), new("Selector", "string", 1)],
                rs =>
                [
                    Meta.Name(rs), rs.Long("spec", "replicas") ?? 0, rs.Long("status", "replicas") ?? 0, rs.Long("status", "readyReplicas") ?? 0,
                    Age(rs), Containers(rs.Obj("spec", "template", "spec")), Images(rs.Obj("spec", "template", "spec")),
                    LabelSelector.Format(rs.Obj("spec", "selector")),
                ]);
        }

        if (type == ResourceTypes.Pods)
        {
            return (
                [name, new("Ready", "string"), new("Status", "string"), new("Restarts", "string"), new("Age", "string"),
                 new("IP", "string", 1), new("Node", "string", 1), new("Nominated Node", "string", 1), new("Readiness Gates", "string", 1)],
                pod => PodCells(pod, now, Age(pod)));
        }

        if (type == ResourceTypes.Namespaces)
        {
            return ([name, new("Status", "string"), new("Age", "string")], ns => [Meta.Name(ns), ns.Str("status", "phase") ?? "", Age(ns)]);
        }

        if (type == ResourceTypes.Nodes)
        {
            return (
                [name, new("Status", "string"), new("Roles", "string"), new("Age", "string"), new("Version", "string"),
                 new("Internal-IP", "string", 1), new("External-IP", "string", 1), new("OS-Image", "string", 1),
                 new("Kernel-Version", "string", 1), new("Container-Runtime", "string", 1)],
                node =>
                [
                    Meta.Name(node), "Ready", Roles(node), Age(node), node.Str("status", "nodeInfo", "kubeletVersion"),
                    node.Arr("status", "addresses").Objects().FirstOrDefault(a => a.Str("type") == "InternalIP")?.Str("address") ?? "<none>",
                    "<none>", node.Str("status", "nodeInfo", "osImage"), node.Str("status", "nodeInfo", "kernelVersion"),
                    node.Str("status", "nodeInfo", "containerRuntimeVersion"),
                ]);
        }

        if (type == ResourceTypes.Secrets)
        {
            return (
                [name, new("Type", "string"), new("Data", "string"), new("Age", "string")],
                secret => [Meta.Name(secret), secret.Str("type") ?? "", (secret.Obj("data")?.Count ?? 0).ToString(), Age(secret)]);
        }

        if (type == ResourceTypes.ConfigMaps)
        {
            return (
                [name, new("Data", "integer"), new("Age", "string")],
                cm => [Meta.Name(cm), (cm.Obj("data")?.Count ?? 0) + (cm.Obj("binaryData")?.Count ?? 0), Age(cm)]);
        }

        if (type == ResourceTypes.Leases)
        {
            return ([name, new("Holder", "string"), new("Age", "string")], lease => [Meta.Name(lease), lease.Str("spec", "holderIdentity") ?? "", Age(lease)]);
        }

        if (type == ResourceTypes.ServiceAccounts)
        {
            return (
                [name, new("Secrets", "string"), new("Age", "string")],
                sa => [Meta.Name(sa), (sa.Arr("secrets")?.Count ?? 0).ToString(), Age(sa)]);
        }

        if (type == ResourceTypes.Events)
        {
            return (
                [new("Last Seen", "string"), new("Type", "string"), new("Reason", "string"), new("Object", "string"),
                 new("Subobject", "string", 1), new("Source", "string", 1), new("Message", "string"), new("First Seen", "string", 1),
                 new("Count", "string", 1), new("Name", "string", 1)],
                e => EventCells(e, now));
        }

        return ([name, new("Age", "string")], o => [Meta.Name(o), Age(o)]);
    }

    /// <summary>The node printer's ROLES: the node-role.kubernetes.io/ROLE labels, or &lt;none&gt;.</summary>
    private static string Roles(JsonObject node)
    {
        var roles = Meta.Labels(node).Keys.Where(k => k.StartsWith("node-role.kubernetes.io/", StringComparison.Ordinal))
            .Select(k => k["node-role.kubernetes.io/".Length..]).Order(StringComparer.Ordinal).ToList();
        return roles.Count == 0 ? "<none>" : string.Join(",", roles);
    }

    private static string Containers(JsonObject? podSpec) =>
        string.Join(",", podSpec.Arr("containers").Objects().Select(c => c.Str("name")));

    private static string Images(JsonObject? podSpec) =>
        string.Join(",", podSpec.Arr("containers").Objects().Select(c => c.Str("image")));

    /// <summary>The READY / STATUS / RESTARTS logic of the server's pod printer.</summary>
    private static IEnumerable<JsonNode?> PodCells(JsonObject pod, DateTimeOffset now, string age)
    {
        var statuses = pod.Arr("status", "containerStatuses").Objects().ToList();
        var total = pod.Arr("spec", "containers")?.Count ?? 0;
        var reason = pod.Str("status", "reason") ?? pod.Str("status", "phase") ?? "Pending";
        var ready = 0;
        var restarts = 0L;
        DateTimeOffset? lastRestart = null;
        var hasRunning = false;
        foreach (var status in Enumerable.Reverse(statuses))
        {
            restarts += status.Long("restartCount") ?? 0;
            if (Json.ParseTime(status.Str("lastState", "terminated", "finishedAt")) is { } finished && (lastRestart is null || finished > lastRestart))
            {
                lastRestart = finished;
            }

            if (status.Str("state", "waiting", "reason") is { Length: > 0 } waiting)
            {
                reason = waiting;
            }
            else if (status.Obj("state", "terminated") is { } terminated)
            {
                reason = terminated.Str("reason") is { Length: > 0 } r ? r
                    : terminated.Long("signal") is { } signal and not 0 ? $"Signal:{signal}"
                    : $"ExitCode:{terminated.Long("exitCode") ?? 0}";
            }
            else if (status.Bool("ready") == true && status.Obj("state", "running") is not null)
            {
                hasRunning = true;
                ready++;
            }
        }

        if (reason == "Completed" && hasRunning)
        {
            reason = "Running";
        }

        if (Meta.IsTerminating(pod))
        {
            reason = "Terminating";
        }

        var restartText = lastRestart is { } last ? $"{restarts} ({Durations.Human(now - last)} ago)" : restarts.ToString();
        return
        [
            Meta.Name(pod), $"{ready}/{total}", reason, restartText, age,
            pod.Str("status", "podIP") ?? "<none>", pod.Str("spec", "nodeName") ?? "<none>", "<none>", "<none>",
        ];
    }

    private static IEnumerable<JsonNode?> EventCells(JsonObject e, DateTimeOffset now)
    {
        var last = Json.ParseTime(e.Str("lastTimestamp"));
        var first = Json.ParseTime(e.Str("firstTimestamp"));
        var count = e.Long("count") ?? 1;
        var lastSeen = last is { } l ? Durations.Human(now - l) : "<unknown>";
        var firstSeen = first is { } f ? Durations.Human(now - f) : "<unknown>";
        if (count > 1)
        {
            lastSeen = $"{lastSeen} (x{count} over {firstSeen})";
        }

        var involved = e.Obj("involvedObject");
        var source = e.Str("source", "component") ?? "";
        if (e.Str("source", "host") is { Length: > 0 } host)
        {
            source += ", " + host;
        }

        return
        [
            lastSeen, e.Str("type"), e.Str("reason"), $"{involved.Str("kind")?.ToLowerInvariant()}/{involved.Str("name")}",
            involved.Str("fieldPath") ?? "", source, e.Str("message"), firstSeen, count.ToString(), Meta.Name(e),
        ];
    }
}
