using System.Globalization;
using System.Text.Json.Nodes;

namespace ClusterSim.Api;

/// <summary>
/// resource.Quantity as far as scheduling needs it ("500m", "2", "1.5", "512Mi", "1G", "1e3"), and a pod's resource
/// requests and QoS class as the scheduler and the API server derive them from its containers.
/// </summary>
internal static class Quantities
{
    private static readonly (string Suffix, decimal Factor)[] Suffixes =
    [
        ("Ki", 1024m), ("Mi", 1024m * 1024), ("Gi", 1024m * 1024 * 1024), ("Ti", 1024m * 1024 * 1024 * 1024),
        ("Pi", 1024m * 1024 * 1024 * 1024 * 1024), ("Ei", 1024m * 1024 * 1024 * 1024 * 1024 * 1024),
        ("n", 0.000000001m), ("u", 0.000001m), ("m", 0.001m), ("k", 1e3m), ("M", 1e6m), ("G", 1e9m), ("T", 1e12m), ("P", 1e15m), ("E", 1e18m),
    ];

    /// <summary>The value of a quantity string, or null when it is not one.</summary>
    public static decimal? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        foreach (var (suffix, factor) in Suffixes)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal) && decimal.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var scaled))
            {
                return scaled * factor;
            }
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var plain) ? (decimal)plain : null;
    }

    /// <summary>A resource list ({"cpu": "500m", ...}) as values.</summary>
    public static Dictionary<string, decimal> Of(JsonObject? list)
    {
        var values = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var (name, value) in list ?? [])
        {
            decimal? parsed = value is not JsonValue v ? null
                : v.TryGetValue<string>(out var text) ? Parse(text)
                : v.TryGetValue<double>(out var number) ? (decimal)number : null;
            if (parsed is { } quantity)
            {
                values[name] = quantity;
            }
        }

        return values;
    }

    /// <summary>The sum of the containers' requests (a limit without a request counts as the request, as the API server defaults it).</summary>
    public static Dictionary<string, decimal> Requests(JsonObject pod)
    {
        var total = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var container in pod.Arr("spec", "containers").Objects())
        {
            var requests = Of(container.Obj("resources", "requests"));
            foreach (var (name, limit) in Of(container.Obj("resources", "limits")))
            {
                requests.TryAdd(name, limit);
            }

            foreach (var (name, value) in requests)
            {
                total[name] = total.GetValueOrDefault(name) + value;
            }
        }

        return total;
    }

    /// <summary>qos.GetPodQOS: BestEffort without requests or limits, Guaranteed when every container's cpu and memory limits equal its requests.</summary>
    public static string QosClass(JsonObject pod)
    {
        var resources = pod.Arr("spec", "containers").Objects().Select(c => c.Obj("resources")).ToList();
        if (resources.All(r => r.Obj("requests") is not { Count: > 0 } && r.Obj("limits") is not { Count: > 0 }))
        {
            return "BestEffort";
        }

        var guaranteed = resources.All(r =>
            r.Obj("limits") is { } limits && limits.ContainsKey("cpu") && limits.ContainsKey("memory")
            && (r.Obj("requests") is not { } requests || requests.All(q => JsonNode.DeepEquals(q.Value, limits[q.Key]))));
        return guaranteed ? "Guaranteed" : "Burstable";
    }
}
