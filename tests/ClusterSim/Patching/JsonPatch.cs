using System.Globalization;
using System.Text.Json.Nodes;
using ClusterSim.Api;

namespace ClusterSim.Patching;

/// <summary>RFC 6902 JSON patch (application/json-patch+json): add, remove, replace, move, copy, test.</summary>
internal static class JsonPatch
{
    public static JsonObject Apply(JsonObject target, JsonNode? patch)
    {
        if (patch is not JsonArray operations)
        {
            throw ApiException.BadRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
        }

        JsonNode document = target.Clone();
        foreach (var operation in operations.Objects())
        {
            var op = operation.Str("op");
            var path = operation.Str("path") ?? throw ApiException.BadRequest($"the server rejected our request due to an error in our request: missing path in {op}");
            switch (op)
            {
                case "add":
                    document = Add(document, path, operation["value"]?.DeepClone());
                    break;
                case "remove":
                    Remove(document, path);
                    break;
                case "replace":
                    Remove(document, path);
                    document = Add(document, path, operation["value"]?.DeepClone());
                    break;
                case "move":
                {
                    var from = operation.Str("from") ?? "";
                    var value = Get(document, from);
                    Remove(document, from);
                    document = Add(document, path, value?.DeepClone());
                    break;
                }
                case "copy":
                    document = Add(document, path, Get(document, operation.Str("from") ?? "")?.DeepClone());
                    break;
                case "test":
                    if (!JsonNode.DeepEquals(Get(document, path), operation["value"]))
                    {
                        throw new ApiException(422, "Invalid", $"the server rejected our request due to an error in our request: testing value {path} failed");
                    }

                    break;
                default:
                    throw ApiException.BadRequest($"Unexpected kind: {op}");
            }
        }

        return document as JsonObject ?? throw ApiException.BadRequest("the patch replaced the whole object with a non-object");
    }

    private static string[] Tokens(string pointer) =>
        pointer.Length == 0 ? [] : pointer[1..].Split('/').Select(t => t.Replace("~1", "/").Replace("~0", "~")).ToArray();

    private static JsonNode? Get(JsonNode document, string pointer) => Get(document, Tokens(pointer), pointer);

    private static JsonNode? Get(JsonNode document, string[] tokens, string pointer)
    {
        JsonNode? node = document;
        foreach (var token in tokens)
        {
            node = node switch
            {
                JsonObject obj when obj.TryGetPropertyValue(token, out var child) => child,
                JsonArray array when int.TryParse(token, CultureInfo.InvariantCulture, out var i) && i >= 0 && i < array.Count => array[i],
                _ => throw Missing(pointer),
            };
        }

        return node;
    }

    private static JsonNode Add(JsonNode document, string pointer, JsonNode? value)
    {
        var tokens = Tokens(pointer);
        if (tokens.Length == 0)
        {
            return value ?? throw ApiException.BadRequest("cannot replace the document with null");
        }

        var parent = Get(document, tokens[..^1], pointer);
        var last = tokens[^1];
        switch (parent)
        {
            case JsonObject obj:
                obj[last] = value;
                break;
            case JsonArray array when last == "-":
                array.Add(value);
                break;
            case JsonArray array when int.TryParse(last, CultureInfo.InvariantCulture, out var i) && i >= 0 && i <= array.Count:
                array.Insert(i, value);
                break;
            default:
                throw Missing(pointer);
        }

        return document;
    }

    private static void Remove(JsonNode document, string pointer)
    {
        var tokens = Tokens(pointer);
        if (tokens.Length == 0)
        {
            throw Missing(pointer);
        }

        var parent = Get(document, tokens[..^1], pointer);
        var last = tokens[^1];
        switch (parent)
        {
            case JsonObject obj when obj.ContainsKey(last):
                obj.Remove(last);
                break;
            case JsonArray array when int.TryParse(last, CultureInfo.InvariantCulture, out var i) && i >= 0 && i < array.Count:
                array.RemoveAt(i);
                break;
            default:
                throw Missing(pointer);
        }
    }

    private static ApiException Missing(string pointer) =>
        new(422, "Invalid", $"the server rejected our request due to an error in our request: doc is missing path: \"{pointer}\"");
}
