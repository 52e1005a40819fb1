using System.Text.Json.Nodes;

namespace ClusterSim.Patching;

/// <summary>
/// Strategic merge patch (application/strategic-merge-patch+json) for the built-in types this server serves.
/// Lists named in <see cref="MergeKeys"/> are merged element by element on their key (containers by name,
/// env by name, ports by containerPort, ...); <see cref="PrimitiveMergeLists"/> are merged as sets; every other
/// list is replaced. Supports the directives kubectl sends: <c>$patch: replace|delete|merge</c>,
/// <c>$setElementOrder/&lt;list&gt;</c>, <c>$deleteFromPrimitiveList/&lt;list&gt;</c>, <c>$retainKeys</c>, and null to delete.
/// </summary>
internal static class StrategicMerge
{
    private const string PatchDirective = "$patch";
    private const string RetainKeysDirective = "$retainKeys";
    private const string SetElementOrderPrefix = "$setElementOrder/";
    private const string DeleteFromPrimitiveListPrefix = "$deleteFromPrimitiveList/";

    /// <summary>The patchMergeKey of each merged list field in core/v1 and apps/v1 (by field name).</summary>
    private static readonly Dictionary<string, string> MergeKeys = new()
    {
        ["containers"] = "name",
        ["initContainers"] = "name",
        ["ephemeralContainers"] = "name",
        ["env"] = "name",
        ["ports"] = "containerPort",
        ["volumes"] = "name",
        ["volumeMounts"] = "mountPath",
        ["volumeDevices"] = "devicePath",
        ["imagePullSecrets"] = "name",
        ["hostAliases"] = "ip",
        ["resourceClaims"] = "name",
        ["topologySpreadConstraints"] = "topologyKey",
        ["ownerReferences"] = "uid",
        ["conditions"] = "type",
        ["taints"] = "key",
        ["addresses"] = "type",
    };

    private static readonly HashSet<string> PrimitiveMergeLists = ["finalizers"];

    public static JsonObject Apply(JsonObject original, JsonObject patch) => MergeMap(original, patch) ?? new JsonObject();

    /// <summary>Merges <paramref name="patch"/> into a copy of <paramref name="original"/>; null means "delete this map".</summary>
    private static JsonObject? MergeMap(JsonObject original, JsonObject patch)
    {
        switch (patch[PatchDirective]?.GetValue<string>())
        {
            case "replace":
                return MergeMap(new JsonObject(), Without(patch, PatchDirective));
            case "delete":
                return null;
        }

        var result = original.Clone();
        if (patch[RetainKeysDirective] is JsonArray retain)
        {
            var keep = retain.Select(k => k?.GetValue<string>()).ToHashSet();
            foreach (var key in result.Select(p => p.Key).Where(k => !keep.Contains(k)).ToList())
            {
                result.Remove(key);
            }
        }

        foreach (var (key, value) in patch)
        {
            if (key.StartsWith(DeleteFromPrimitiveListPrefix, StringComparison.Ordinal))
            {
                var field = key[DeleteFromPrimitiveListPrefix.Length..];
                if (result[field] is JsonArray list && value is JsonArray remove)
                {
                    result[field] = list.Where(item => !remove.Any(r => JsonNode.DeepEquals(r, item))).Select(i => i?.DeepClone()).ToJsonArray();
                }
            }
        }

        foreach (var (key, value) in patch)
        {
            if (key.StartsWith('$'))
            {
                continue;
            }

            if (value is null)
            {
                result.Remove(key);
                continue;
            }

            var merged = MergeValue(key, result[key], value);
            if (merged is null && value is JsonObject)
            {
                result.Remove(key);
            }
            else
            {
                result[key] = merged;
            }
        }

        foreach (var (key, value) in patch)
        {
            if (key.StartsWith(SetElementOrderPrefix, StringComparison.Ordinal) && value is JsonArray order)
            {
                var field = key[SetElementOrderPrefix.Length..];
                if (result[field] is JsonArray list)
                {
                    result[field] = Reorder(field, list, order);
                }
            }
        }

        return result;
    }

    private static JsonNode? MergeValue(string field, JsonNode? original, JsonNode patch) => (original, patch) switch
    {
        (JsonObject o, JsonObject p) => MergeMap(o, p),
        (_, JsonObject p) => MergeMap(new JsonObject(), p),
        (JsonArray o, JsonArray p) => MergeList(field, o, p),
        (_, JsonArray p) => MergeList(field, new JsonArray(), p),
        _ => patch.DeepClone(),
    };

    private static JsonArray MergeList(string field, JsonArray original, JsonArray patch)
    {
        if (patch.OfType<JsonObject>().Any(e => e[PatchDirective]?.GetValue<string>() == "replace"))
        {
            return MergeList(field, new JsonArray(), patch.Where(e => e is not JsonObject o || o[PatchDirective] is null).Select(e => e?.DeepClone()).ToJsonArray());
        }

        if (PrimitiveMergeLists.Contains(field))
        {
            var union = original.Select(i => i?.DeepClone()).ToJsonArray();
            foreach (var item in patch.Where(item => !original.Any(o => JsonNode.DeepEquals(o, item))))
            {
                union.Add(item?.DeepClone());
            }

            return union;
        }

        if (!MergeKeys.TryGetValue(field, out var mergeKey) || patch.Any(e => e is not JsonObject))
        {
            return patch.Select(e => e is JsonObject o ? MergeMap(new JsonObject(), o) : e?.DeepClone()).ToJsonArray();
        }

        var result = original.Select(e => e?.DeepClone()).ToList();
        foreach (var element in patch.OfType<JsonObject>())
        {
            var key = element[mergeKey];
            var index = result.FindIndex(e => e is JsonObject o && JsonNode.DeepEquals(o[mergeKey], key));
            if (element[PatchDirective]?.GetValue<string>() == "delete")
            {
                result.RemoveAll(e => e is JsonObject o && JsonNode.DeepEquals(o[mergeKey], key));
            }
            else if (index >= 0)
            {
                result[index] = MergeMap((JsonObject)result[index]!, element);
            }
            else
            {
                result.Add(MergeMap(new JsonObject(), element));
            }
        }

        return result.ToJsonArray();
    }

    /// <summary>Orders the list as <c>$setElementOrder</c> says; elements it does not name keep their order, after those it names.</summary>
    private static JsonArray Reorder(string field, JsonArray list, JsonArray order)
    {
        var items = list.Select(i => i?.DeepClone()).ToList();
        Func<JsonNode?, JsonNode?> identity = MergeKeys.TryGetValue(field, out var mergeKey)
            ? node => node is JsonObject o ? o[mergeKey] : node
            : node => node;
        var ordered = new List<JsonNode?>();
        foreach (var wanted in order)
        {
            var index = items.FindIndex(i => JsonNode.DeepEquals(identity(i), identity(wanted)));
            if (index >= 0)
            {
                ordered.Add(items[index]);
                items.RemoveAt(index);
            }
        }

        return ordered.Concat(items).ToJsonArray();
    }

    private static JsonObject Without(JsonObject obj, string key)
    {
        var copy = obj.Clone();
        copy.Remove(key);
        return copy;
    }
}
