using System.Text.Json.Nodes;
using ClusterSim.Api;
using ClusterSim.Store;

namespace ClusterSim.Controllers;

/// <summary>
/// Records core/v1 Events the way client-go's recorder does: named "&lt;object&gt;.&lt;hex nanoseconds&gt;",
/// and a repeat of the same event (same object, reason, message, source) bumps count and lastTimestamp.
/// </summary>
internal sealed class EventRecorder(ObjectStore store)
{
    private readonly Dictionary<string, string> seen = [];
    private readonly object gate = new();
    private long lastNanos;

    public void Normal(JsonObject involved, string reason, string message, string component, string? host = null, string? fieldPath = null) =>
        Record(involved, "Normal", reason, message, component, host, fieldPath);

    public void Warning(JsonObject involved, string reason, string message, string component, string? host = null, string? fieldPath = null) =>
        Record(involved, "Warning", reason, message, component, host, fieldPath);

    private void Record(JsonObject involved, string type, string reason, string message, string component, string? host, string? fieldPath)
    {
        var now = DateTimeOffset.UtcNow;
        var ns = Meta.Namespace(involved) is { Length: > 0 } n ? n : "default";
        var key = string.Join("\u0000", Meta.Uid(involved), fieldPath, type, reason, message, component, host);
        lock (gate)
        {
            if (seen.TryGetValue(key, out var existing) && store.Get(ResourceTypes.Events, ns, existing) is not null)
            {
                store.Update(ResourceTypes.Events, ns, existing, e =>
                {
                    e["count"] = (e.Long("count") ?? 1) + 1;
                    e["lastTimestamp"] = Json.Time(now);
                    return e;
                });
                return;
            }

            lastNanos = Math.Max(lastNanos + 1, (now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100);
            var name = $"{Meta.Name(involved)}.{lastNanos:x}";
            var reference = new JsonObject
            {
                ["kind"] = involved.Str("kind"),
                ["namespace"] = Meta.Namespace(involved),
                ["name"] = Meta.Name(involved),
                ["uid"] = Meta.Uid(involved),
                ["apiVersion"] = involved.Str("apiVersion"),
                ["resourceVersion"] = involved.Str("metadata", "resourceVersion"),
            };
            if (fieldPath is not null)
            {
                reference["fieldPath"] = fieldPath;
            }

            var source = new JsonObject { ["component"] = component };
            if (host is not null)
            {
                source["host"] = host;
            }

            store.Create(ResourceTypes.Events, new JsonObject
            {
                ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
                ["involvedObject"] = reference,
                ["reason"] = reason,
                ["message"] = message,
                ["source"] = source,
                ["firstTimestamp"] = Json.Time(now),
                ["lastTimestamp"] = Json.Time(now),
                ["count"] = 1,
                ["type"] = type,
                ["eventTime"] = null,
                ["reportingComponent"] = component,
                ["reportingInstance"] = host ?? "",
            });
            seen[key] = name;
        }
    }
}
