using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace ClusterSim.Api;

/// <summary>
/// A minimal OpenAPI v3 (/openapi/v3 and one document per group-version): the PATCH operation of each resource,
/// tagged with its group-version-kind and listing the fieldValidation query parameter. That tells kubectl that the
/// server validates fields itself (so --validate=strict sends fieldValidation=Strict instead of downloading schemas),
/// while the missing request body types make `kubectl apply` compute patches from its built-in type metadata, as
/// it does for built-in kinds. /openapi/v2 is not served (404).
/// </summary>
internal static class OpenApi
{
    public static JsonObject Index()
    {
        var paths = new JsonObject();
        foreach (var gv in ResourceTypes.All.Select(t => (t.Group, t.Version)).Distinct())
        {
            var key = Key(gv.Group, gv.Version);
            paths[key] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{key}?hash={Hash(Document(gv.Group, gv.Version)!)}" };
        }

        return new JsonObject { ["paths"] = paths };
    }

    /// <summary>The document for "api/v1" or "apis/GROUP/VERSION", or null.</summary>
    public static JsonObject? Document(string path)
    {
        var parts = path.Trim('/').Split('/');
        return parts switch
        {
            ["api", var v] => Document("", v),
            ["apis", var g, var v] => Document(g, v),
            _ => null,
        };
    }

    private static JsonObject? Document(string group, string version)
    {
        var types = ResourceTypes.All.Where(t => t.Group == group && t.Version == version).ToList();
        if (types.Count == 0)
        {
            return null;
        }

        var paths = new JsonObject();
        foreach (var type in types)
        {
            var prefix = group.Length == 0 ? $"/api/{version}" : $"/apis/{group}/{version}";
            var path = type.Namespaced ? $"{prefix}/namespaces/{{namespace}}/{type.Plural}/{{name}}" : $"{prefix}/{type.Plural}/{{name}}";
            paths[path] = new JsonObject
            {
                ["patch"] = new JsonObject
                {
                    ["operationId"] = $"patch{type.Kind}",
                    ["parameters"] = new JsonArray(
                        QueryParameter("dryRun"), QueryParameter("fieldManager"), QueryParameter("fieldValidation"), QueryParameter("force")),
                    ["responses"] = new JsonObject { ["200"] = new JsonObject { ["description"] = "OK" } },
                    ["x-kubernetes-action"] = "patch",
                    ["x-kubernetes-group-version-kind"] = new JsonObject { ["group"] = group, ["version"] = version, ["kind"] = type.Kind },
                },
            };
        }

        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = "unversioned" },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = new JsonObject() },
        };
    }

    private static string Key(string group, string version) => group.Length == 0 ? $"api/{version}" : $"apis/{group}/{version}";

    private static JsonObject QueryParameter(string name) => new()
    {
        ["name"] = name,
        ["in"] = "query",
        ["schema"] = new JsonObject { ["type"] = "string", ["uniqueItems"] = true },
    };

    private static string Hash(JsonObject document) =>
        Convert.ToHexString(SHA512.HashData(Encoding.UTF8.GetBytes(Json.Serialize(document))));
}
