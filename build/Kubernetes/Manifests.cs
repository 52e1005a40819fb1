using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Build.Infrastructure;

namespace Build.Kubernetes;

/// <summary>
/// Kubernetes manifests as objects: read from manifest files exactly as <c>kubectl apply -f</c> reads them, with
/// the services' containers pointed at the images this run built (<see cref="SetImages"/>), so that applying them
/// twice with nothing changed changes nothing.
/// </summary>
public static partial class Manifests
{
    /// <summary>The objects <c>kubectl apply -f <paramref name="path"/></c> would apply (see <see cref="Parse"/>).</summary>
    public static IReadOnlyList<JsonObject> Read(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>
    /// The objects kubectl would apply for a manifest file's text: its JSON or YAML documents (<see cref="Documents"/>),
    /// each a Kubernetes object with a kind and an apiVersion. A list (<c>kind: List</c>, or any object with
    /// <c>items</c>) stands for its items, as kubectl flattens lists before it applies them; a list in a list is
    /// flattened too (cli-runtime's FlattenListVisitor means to; kubectl 1.32 fails on it).
    /// A document kubectl would refuse is a one-line <see cref="BuildInputException"/> naming the file, the document and the line.
    /// </summary>
    public static IReadOnlyList<JsonObject> Parse(string text, string source)
    {
        try
        {
            var objects = new List<JsonObject>();
            foreach (var document in Documents(text))
            {
                Flatten(document, document.Value, "", objects);
            }

            return objects;
        }
        catch (ManifestDocumentException problem)
        {
            throw new BuildInputException(
                $"{source}: document {problem.Document} (line {problem.Line}): {problem.Message} (kubectl apply refuses this too).");
        }
    }

    /// <summary>
    /// The documents of a manifest file, as kubectl's YAMLOrJSONDecoder reads them: text that starts with "{" is a
    /// stream of JSON values, other text is YAML (<see cref="KubectlYaml"/>). When JSON fails at its first or second
    /// value, the rest is read as YAML, as kubectl 1.33 and later do (a YAML flow mapping like <c>{kind: Pod}</c>
    /// looks like JSON; kubectl 1.32 refuses such files).
    /// </summary>
    public static List<KubectlYaml.Document> Documents(string text)
    {
        if (!text.AsSpan().TrimStart().StartsWith("{", StringComparison.Ordinal))
        {
            return KubectlYaml.Read(text);
        }

        var bytes = Encoding.UTF8.GetBytes(text);
        var documents = new List<KubectlYaml.Document>();
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { AllowMultipleValues = true, MaxDepth = 1000 });
        var decoded = 0;
        var consumed = 0;
        try
        {
            while (reader.Read())
            {
                var line = 1 + bytes.AsSpan(0, (int)reader.TokenStartIndex).Count((byte)'\n');
                using var json = JsonDocument.ParseValue(ref reader);
                decoded++;
                if (FromJson(json.RootElement) is { } value)
                {
                    documents.Add(new KubectlYaml.Document(decoded, line, value));
                }

                consumed = (int)reader.BytesConsumed;
            }

            return documents;
        }
        catch (JsonException) when (decoded <= 1)
        {
            // kubectl drops the white space up to the end of the line where the last JSON value ended.
            while (consumed < bytes.Length && bytes[consumed] is (byte)' ' or (byte)'\t' or (byte)'\r')
            {
                consumed++;
            }

            if (consumed < bytes.Length && bytes[consumed] == '\n')
            {
                consumed++;
            }

            var firstLine = 1 + bytes.AsSpan(0, consumed).Count((byte)'\n');
            return [.. documents, .. KubectlYaml.Read(Encoding.UTF8.GetString(bytes, consumed, bytes.Length - consumed), firstLine, decoded + 1)];
        }
        catch (JsonException exception)
        {
            // .NET ends its messages with " Path: ... | LineNumber: ... | BytePositionInLine: ...": the line is reported apart.
            var message = exception.Message;
            var cut = new[] { message.IndexOf(" Path:", StringComparison.Ordinal), message.IndexOf(" LineNumber:", StringComparison.Ordinal) }
                .Where(i => i >= 0).DefaultIfEmpty(message.Length).Min();
            throw new ManifestDocumentException(decoded + 1, (int)(exception.LineNumber ?? 0) + 1, "invalid JSON: " + message[..cut].TrimEnd('.', ' '));
        }
    }

    public static JsonObject Namespace(string name) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Namespace",
        ["metadata"] = new JsonObject { ["name"] = name },
    };

    /// <summary>
    /// One stream of JSON objects, one per line, for a single <c>kubectl apply -f -</c> (kubectl reads input that
    /// starts with <c>{</c> as a JSON stream). Not a <c>kind: List</c>: kubectl validates that pseudo-kind
    /// differently from the objects in it.
    /// </summary>
    public static string AsStream(IEnumerable<JsonObject> objects) =>
        string.Join("\n", objects.Select(o => o.ToJsonString())) + "\n";

    /// <summary>A JSON value with a repeated key keeping its last value, as Go's encoding/json decodes it.</summary>
    private static JsonNode? FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().Aggregate(new JsonObject(), (o, p) =>
        {
            o[p.Name] = FromJson(p.Value);
            return o;
        }),
        JsonValueKind.Array => new JsonArray(element.EnumerateArray().Select(FromJson).ToArray()),
        JsonValueKind.Null => null,
        _ => JsonValue.Create(element.Clone()),
    };

    /// <summary>Adds the object, or the items of a list, checking what kubectl needs to apply each.</summary>
    private static void Flatten(KubectlYaml.Document document, JsonNode? value, string where, List<JsonObject> into)
    {
        if (value is not JsonObject item)
        {
            throw new ManifestDocumentException(document.Number, document.Line,
                $"{where}is {Describe(value)}, not a Kubernetes object (a mapping with apiVersion and kind)");
        }

        foreach (var field in new[] { "apiVersion", "kind" })
        {
            if (Text(item[field]) is not { Length: > 0 })
            {
                throw new ManifestDocumentException(document.Number, document.Line,
                    $"{where}has {(item[field] is null ? "no " + field : field + " " + item[field]!.ToJsonString())}; every object needs apiVersion and kind");
            }
        }

        // kubectl takes any object with an items field for a list (unstructured's decode), null items for none.
        if (item.ContainsKey("items"))
        {
            var items = item["items"] switch
            {
                null => [],
                JsonArray array => array,
                var other => throw new ManifestDocumentException(document.Number, document.Line,
                    $"{where}is a {Text(item["kind"])} whose items is {Describe(other)}, not a list"),
            };
            for (var i = 0; i < items.Count; i++)
            {
                Flatten(document, items[i], $"{where}items[{i}] ", into);
            }

            return;
        }

        if (item["metadata"] is { } metadata && (metadata is not JsonObject || (metadata["name"] is { } name && Text(name) is null)))
        {
            throw new ManifestDocumentException(document.Number, document.Line,
                $"{where}has metadata {metadata.ToJsonString()}; metadata must be a mapping whose name is a string");
        }

        into.Add(item);
    }

    private static string Describe(JsonNode? value) => value switch
    {
        null => "null",
        JsonArray => "a sequence",
        JsonObject => "a mapping",
        _ => value.GetValueKind() switch
        {
            JsonValueKind.String => $"the string {value.ToJsonString()}",
            JsonValueKind.Number => $"the number {value.ToJsonString()}",
            _ => $"the value {value.ToJsonString()}",
        },
    };

    /// <summary>The string a JSON value holds, or null when it holds anything else.</summary>
    internal static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue(out string? text) ? text : null;
}
