using System.Text.Json.Nodes;

namespace ClusterSim.Api;

/// <summary>The part of the real server's validation that a redeploy tool can run into.</summary>
internal static class Validation
{
    public static void Validate(ResourceType type, JsonObject obj, JsonObject? old)
    {
        var errors = new List<string>();
        if (string.IsNullOrEmpty(Meta.Name(obj)))
        {
            errors.Add("metadata.name: Required value: name or generateName is required");
        }

        if (type == ResourceTypes.Deployments || type == ResourceTypes.ReplicaSets)
        {
            Workload(obj, old, errors);
        }
        else if (type == ResourceTypes.Pods)
        {
            Containers(obj.Obj("spec"), "spec", errors);
        }
        else if (type == ResourceTypes.Secrets)
        {
            Secret(obj, old, errors);
        }
        else if (type == ResourceTypes.Leases)
        {
            Lease(obj, errors);
        }

        if (errors.Count > 0)
        {
            throw ApiException.Invalid(type, Meta.Name(obj), errors);
        }
    }

    /// <summary>ValidateSecret: the key each docker config type needs, and an immutable type.</summary>
    private static void Secret(JsonObject secret, JsonObject? old, List<string> errors)
    {
        var type = secret.Str("type") ?? "Opaque";
        var required = type switch
        {
            "kubernetes.io/dockerconfigjson" => ".dockerconfigjson",
            "kubernetes.io/dockercfg" => ".dockercfg",
            _ => null,
        };
        if (required is not null && secret.Str("data", required) is null)
        {
            errors.Add($"data[{required}]: Required value");
        }

        if (old is not null && (old.Str("type") ?? "Opaque") != type)
        {
            errors.Add($"type: Invalid value: \"{type}\": field is immutable");
        }
    }

    /// <summary>ValidateLeaseSpec (pkg/apis/coordination/validation): a duration above 0, transitions not below 0.</summary>
    private static void Lease(JsonObject lease, List<string> errors)
    {
        if (lease.Long("spec", "leaseDurationSeconds") is { } duration && duration <= 0)
        {
            errors.Add($"spec.leaseDurationSeconds: Invalid value: {duration}: must be greater than 0");
        }

        if (lease.Long("spec", "leaseTransitions") is { } transitions && transitions < 0)
        {
            errors.Add($"spec.leaseTransitions: Invalid value: {transitions}: must be greater than or equal to 0");
        }
    }

    private static void Workload(JsonObject obj, JsonObject? old, List<string> errors)
    {
        var selector = obj.Obj("spec", "selector");
        var labels = obj.StringMap("spec", "template", "metadata", "labels");
        if (selector is null || (selector.Obj("matchLabels") is not { Count: > 0 } && selector.Arr("matchExpressions") is not { Count: > 0 }))
        {
            errors.Add("spec.selector: Required value");
        }
        else if (!LabelSelector.Matches(selector, labels))
        {
            errors.Add($"spec.template.metadata.labels: Invalid value: {GoMap(labels)}: `selector` does not match template `labels`");
        }

        if (old is not null && !JsonNode.DeepEquals(old.Obj("spec", "selector"), selector))
        {
            errors.Add($"spec.selector: Invalid value: v1.LabelSelector{{MatchLabels:{GoMap(selector.StringMap("matchLabels"))}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}}: field is immutable");
        }

        if ((obj.Long("spec", "replicas") ?? 0) < 0)
        {
            errors.Add($"spec.replicas: Invalid value: {obj.Long("spec", "replicas")}: must be greater than or equal to 0");
        }

        Containers(obj.Obj("spec", "template", "spec"), "spec.template.spec", errors);
    }

    private static void Containers(JsonObject? podSpec, string path, List<string> errors)
    {
        var containers = podSpec.Arr("containers");
        if (containers is null || containers.Count == 0)
        {
            errors.Add($"{path}.containers: Required value");
            return;
        }

        var index = 0;
        foreach (var container in containers.Objects())
        {
            if (string.IsNullOrEmpty(container.Str("name")))
            {
                errors.Add($"{path}.containers[{index}].name: Required value");
            }

            if (string.IsNullOrEmpty(container.Str("image")))
            {
                errors.Add($"{path}.containers[{index}].image: Required value");
            }

            if (container.Str("imagePullPolicy") is { } policy && policy is not ("Always" or "IfNotPresent" or "Never"))
            {
                errors.Add($"{path}.containers[{index}].imagePullPolicy: Unsupported value: \"{policy}\": supported values: \"Always\", \"IfNotPresent\", \"Never\"");
            }

            index++;
        }
    }

    private static string GoMap(IReadOnlyDictionary<string, string> map) =>
        "map[string]string{" + string.Join(", ", map.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"\"{p.Key}\":\"{p.Value}\"")) + "}";
}
