using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ClusterSim;

/// <summary>Small helpers for working with Kubernetes objects as JSON trees.</summary>
internal static class Json
{
    public static readonly JsonSerializerOptions Options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
    };

    public static string Serialize(JsonNode? node) => node?.ToJsonString(Options) ?? "null";

    public static JsonObject ParseObject(string text) =>
        JsonNode.Parse(text) as JsonObject ?? throw new FormatException("expected a JSON object");

    public static JsonObject Clone(this JsonObject node) => (JsonObject)node.DeepClone();

    /// <summary>
    /// A deep copy whose every object and array is materialised, so that several threads may read it at once
    /// (a parsed JsonObject builds its dictionary lazily on first access, which is not thread-safe).
    /// </summary>
    /// <remarks>
    /// It is re-parsed from its text, so numbers read back as any numeric type (a value built from a C# int
    /// refuses GetValue&lt;long&gt;), as they would after a trip through etcd.
    /// </remarks>
    public static JsonObject Frozen(this JsonObject node)
    {
        var copy = ParseObject(Serialize(node));
        Touch(copy);
        return copy;
    }

    private static void Touch(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, child) in obj)
                {
                    Touch(child);
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    Touch(child);
                }

                break;
        }
    }

    /// <summary>The child object named <paramref name="name"/>, created when missing or null.</summary>
    public static JsonObject Child(this JsonObject parent, string name)
    {
        if (parent[name] is JsonObject existing)
        {
            return existing;
        }

        var created = new JsonObject();
        parent[name] = created;
        return created;
    }

    public static JsonNode? At(this JsonNode? node, params string[] path)
    {
        foreach (var part in path)
        {
            node = node is JsonObject obj && obj.TryGetPropertyValue(part, out var child) ? child : null;
            if (node is null)
            {
                return null;
            }
        }

        return node;
    }

    public static string? Str(this JsonNode? node, params string[] path) =>
        node.At(path) is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    public static long? Long(this JsonNode? node, params string[] path)
    {
        if (node.At(path) is not JsonValue value)
        {
            return null;
        }

        if (value.TryGetValue<long>(out var number))
        {
            return number;
        }

        if (value.TryGetValue<int>(out var small))
        {
            return small;
        }

        if (value.TryGetValue<double>(out var real))
        {
            return (long)real;
        }

        if (value.TryGetValue<JsonElement>(out var element) && element.ValueKind == JsonValueKind.Number)
        {
            return element.TryGetInt64(out var whole) ? whole : (long)element.GetDouble();
        }

        return value.TryGetValue<string>(out var text) && long.TryParse(text, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
    }

    public static bool? Bool(this JsonNode? node, params string[] path) =>
        node.At(path) is JsonValue value && value.TryGetValue<bool>(out var flag) ? flag : null;

    public static JsonObject? Obj(this JsonNode? node, params string[] path) => node.At(path) as JsonObject;

    public static JsonArray? Arr(this JsonNode? node, params string[] path) => node.At(path) as JsonArray;

    public static IEnumerable<JsonObject> Objects(this JsonArray? array) => array?.OfType<JsonObject>() ?? [];

    /// <summary>The string-to-string map at <paramref name="path"/> (labels, annotations, matchLabels).</summary>
    public static Dictionary<string, string> StringMap(this JsonNode? node, params string[] path)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node.At(path) is JsonObject obj)
        {
            foreach (var (key, value) in obj)
            {
                if (value is JsonValue v && v.TryGetValue<string>(out var text))
                {
                    map[key] = text;
                }
            }
        }

        return map;
    }

    public static JsonArray ToJsonArray(this IEnumerable<JsonNode?> items)
    {
        var array = new JsonArray();
        foreach (var item in items)
        {
            array.Add(item);
        }

        return array;
    }

    /// <summary>RFC 3339 with second precision, as metav1.Time serialises.</summary>
    public static string Time(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>RFC 3339 with microseconds, as metav1.MicroTime serialises.</summary>
    public static string MicroTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    public static DateTimeOffset? ParseTime(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;

    /// <summary>
    /// A copy without null-valued properties: how a typed Go object sees JSON (null and absent both mean the zero
    /// value), so two templates that differ only by "creationTimestamp": null compare equal.
    /// </summary>
    public static JsonNode? WithoutNulls(JsonNode? node) => node switch
    {
        JsonObject obj => obj.Where(p => p.Value is not null).Aggregate(new JsonObject(), (copy, p) =>
        {
            copy[p.Key] = WithoutNulls(p.Value);
            return copy;
        }),
        JsonArray array => array.Select(WithoutNulls).ToJsonArray(),
        _ => node?.DeepClone(),
    };

    /// <summary>Serialisation with object keys sorted, so equal trees give equal text (used for hashing).</summary>
    public static string Canonical(JsonNode? node)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            WriteCanonical(writer, node);
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteCanonical(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(key);
                    WriteCanonical(writer, value);
                }

                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array)
                {
                    WriteCanonical(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }
}
