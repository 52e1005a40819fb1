using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Build.Docker;
using Build.Infrastructure;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Build.Kubernetes;

/// <summary>
/// Kubernetes manifests as objects: read from YAML files (several documents each), with each service's container
/// pointed at the image this run built, so that applying them twice with nothing changed changes nothing.
/// </summary>
public static partial class Manifests
{
    /// <summary>Reads every document of a manifest file as a JSON object (YAML 1.2 core schema for plain scalars).</summary>
    public static IReadOnlyList<JsonObject> Read(string path)
    {
        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            stream.Load(reader);
        }
        catch (YamlException exception)
        {
            throw new BuildInputException($"{path} is not valid YAML (line {exception.Start.Line}): {exception.Message}");
        }

        return stream.Documents
            .Select(document => ToJson(document.RootNode))
            .Select((node, index) => node switch
            {
                JsonObject item => item,
                null => null,
                _ => throw new BuildInputException($"{path}: document {index + 1} is not a Kubernetes object (a mapping with apiVersion and kind)."),
            })
            .OfType<JsonObject>()
            .ToList();
    }

    /// <summary>
    /// Points the container of each service's deployment at the service's built image. Returns the services
    /// whose deployment is not in <paramref name="objects"/>.
    /// </summary>
    public static IReadOnlyList<string> SetImages(IEnumerable<JsonObject> objects, IEnumerable<BuiltImage> images)
    {
        var deployments = objects.Where(o => (string?)o["kind"] == "Deployment").ToList();
        var notFound = new List<string>();
        foreach (var image in images)
        {
            var container = deployments
                .Where(d => (string?)d["metadata"]?["name"] == image.Service.Deployment)
                .SelectMany(d => d["spec"]?["template"]?["spec"]?["containers"]?.AsArray() ?? [])
                .FirstOrDefault(c => (string?)c?["name"] == image.Service.Container);
            if (container is null)
            {
                notFound.Add(image.Service.Name);
                continue;
            }

            container["image"] = image.Reference;
        }

        return notFound;
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
    public static string AsStream(IEnumerable<JsonObject> objects) => string.Join("\n", objects.Select(o => o.ToJsonString())) + "\n";

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(child =>
            KeyValuePair.Create(((YamlScalarNode)child.Key).Value ?? "", ToJson(child.Value)))),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => null,
    };

    /// <summary>Plain scalars are typed as in YAML 1.2's core schema; quoted ones and explicit !!str stay strings.</summary>
    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain || (!scalar.Tag.IsEmpty && !scalar.Tag.IsNonSpecific && scalar.Tag.Value == "tag:yaml.org,2002:str"))
        {
            return JsonValue.Create(text);
        }

        if (text is "" or "~" or "null" or "Null" or "NULL")
        {
            return null;
        }

        if (text is "true" or "True" or "TRUE" or "false" or "False" or "FALSE")
        {
            return JsonValue.Create(text.Equals("true", StringComparison.OrdinalIgnoreCase));
        }

        if (Integer().IsMatch(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            return JsonValue.Create(number);
        }

        if (Float().IsMatch(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real))
        {
            return JsonValue.Create(real);
        }

        return JsonValue.Create(text);
    }

    [GeneratedRegex("^[-+]?[0-9]+$")]
    private static partial Regex Integer();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Float();
}
