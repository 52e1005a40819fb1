using System.Text.Json.Nodes;

namespace ClusterSim.Api;

/// <summary>
/// What the server says about itself: /version, and API discovery in both forms kubectl understands:
/// aggregated (apidiscovery.k8s.io v2, or v2beta1 for kubectl 1.27-1.29) when the Accept header asks for it,
/// the legacy APIVersions / APIGroupList / APIResourceList documents otherwise.
/// </summary>
internal sealed class Discovery(string kubernetesMinor, string serverAddress)
{
    public const string AggregatedV2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
    public const string AggregatedV2Beta1 = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";

    public string GitVersion => $"v1.{kubernetesMinor}.0";

    public JsonObject Version() => new()
    {
        ["major"] = "1",
        ["minor"] = kubernetesMinor,
        ["gitVersion"] = GitVersion,
        ["gitCommit"] = "70d3cc986aa8221cd1dfb1121852688902d3bf53",
        ["gitTreeState"] = "clean",
        ["buildDate"] = "2024-12-11T17:59:15Z",
        ["goVersion"] = "go1.23.3",
        ["compiler"] = "gc",
        ["platform"] = "linux/amd64",
    };

    /// <summary>The aggregated discovery content type the Accept header asks for, or null for legacy discovery.</summary>
    public static string? NegotiateAggregated(string accept)
    {
        foreach (var part in accept.Split(','))
        {
            if (part.Contains("as=APIGroupDiscoveryList", StringComparison.Ordinal) && part.Contains("g=apidiscovery.k8s.io", StringComparison.Ordinal))
            {
                if (part.Contains("v=v2beta1", StringComparison.Ordinal))
                {
                    return AggregatedV2Beta1;
                }

                if (part.Contains("v=v2", StringComparison.Ordinal))
                {
                    return AggregatedV2;
                }
            }
        }

        return null;
    }

    /// <summary>/api or /apis in aggregated form.</summary>
    public JsonObject Aggregated(bool core, string contentType)
    {
        var items = new JsonArray();
        var groups = core ? [""] : ResourceTypes.Groups;
        foreach (var group in groups)
        {
            var metadata = new JsonObject { ["creationTimestamp"] = null };
            if (group.Length > 0)
            {
                metadata["name"] = group;
            }

            var versions = ResourceTypes.All.Where(t => t.Group == group).GroupBy(t => t.Version).Select(v => (JsonNode?)new JsonObject
            {
                ["version"] = v.Key,
                ["resources"] = v.Select(AggregatedResource).ToJsonArray(),
                ["freshness"] = "Current",
            }).ToJsonArray();
            items.Add(new JsonObject { ["metadata"] = metadata, ["versions"] = versions });
        }

        return new JsonObject
        {
            ["kind"] = "APIGroupDiscoveryList",
            ["apiVersion"] = contentType == AggregatedV2 ? "apidiscovery.k8s.io/v2" : "apidiscovery.k8s.io/v2beta1",
            ["metadata"] = new JsonObject(),
            ["items"] = items,
        };
    }

    private static JsonNode? AggregatedResource(ResourceType type)
    {
        var resource = new JsonObject
        {
            ["resource"] = type.Plural,
            ["responseKind"] = Kind(type.Group, type.Version, type.Kind),
            ["scope"] = type.Namespaced ? "Namespaced" : "Cluster",
            ["singularResource"] = type.Singular,
            ["verbs"] = Strings(type.Verbs),
        };
        if (type.ShortNames.Length > 0)
        {
            resource["shortNames"] = Strings(type.ShortNames);
        }

        if (type.Categories.Length > 0)
        {
            resource["categories"] = Strings(type.Categories);
        }

        if (type.Subresources.Length > 0)
        {
            resource["subresources"] = type.Subresources.Select(s => (JsonNode?)new JsonObject
            {
                ["subresource"] = s.Name,
                ["responseKind"] = Kind(s.Group, s.Version, s.Kind),
                ["verbs"] = Strings(s.Verbs),
            }).ToJsonArray();
        }

        return resource;
    }

    /// <summary>Legacy GET /api.</summary>
    public JsonObject CoreVersions() => new()
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = serverAddress }),
    };

    /// <summary>Legacy GET /apis.</summary>
    public JsonObject Groups() => new()
    {
        ["kind"] = "APIGroupList",
        ["apiVersion"] = "v1",
        ["groups"] = ResourceTypes.Groups.Select(g => (JsonNode?)Group(g)).ToJsonArray(),
    };

    /// <summary>Legacy GET /apis/GROUP, or null when the group is not served.</summary>
    public JsonObject? Group(string group)
    {
        var versions = ResourceTypes.All.Where(t => t.Group == group && group.Length > 0).Select(t => t.Version).Distinct().ToList();
        if (versions.Count == 0)
        {
            return null;
        }

        JsonObject GroupVersion(string v) => new() { ["groupVersion"] = $"{group}/{v}", ["version"] = v };
        return new JsonObject
        {
            ["kind"] = "APIGroup",
            ["apiVersion"] = "v1",
            ["name"] = group,
            ["versions"] = versions.Select(v => (JsonNode?)GroupVersion(v)).ToJsonArray(),
            ["preferredVersion"] = GroupVersion(versions[0]),
        };
    }

    /// <summary>Legacy GET /api/v1 or /apis/GROUP/VERSION, or null when not served.</summary>
    public JsonObject? Resources(string group, string version)
    {
        var types = ResourceTypes.All.Where(t => t.Group == group && t.Version == version).ToList();
        if (types.Count == 0)
        {
            return null;
        }

        var resources = new JsonArray();
        foreach (var type in types)
        {
            var resource = new JsonObject
            {
                ["name"] = type.Plural,
                ["singularName"] = type.Singular,
                ["namespaced"] = type.Namespaced,
                ["kind"] = type.Kind,
                ["verbs"] = Strings(type.Verbs),
            };
            if (type.ShortNames.Length > 0)
            {
                resource["shortNames"] = Strings(type.ShortNames);
            }

            if (type.Categories.Length > 0)
            {
                resource["categories"] = Strings(type.Categories);
            }

            resources.Add(resource);
            foreach (var sub in type.Subresources)
            {
                var subresource = new JsonObject
                {
                    ["name"] = $"{type.Plural}/{sub.Name}",
                    ["singularName"] = "",
                    ["namespaced"] = type.Namespaced,
                    ["kind"] = sub.Kind,
                    ["verbs"] = Strings(sub.Verbs),
                };
                if (sub.Group != type.Group)
                {
                    subresource["group"] = sub.Group;
                    subresource["version"] = sub.Version;
                }

                resources.Add(subresource);
            }
        }

        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = group.Length == 0 ? version : $"{group}/{version}",
            ["resources"] = resources,
        };
    }

    private static JsonObject Kind(string group, string version, string kind) => new() { ["group"] = group, ["version"] = version, ["kind"] = kind };

    private static JsonArray Strings(IEnumerable<string> values) => values.Select(v => (JsonNode?)v).ToJsonArray();
}
