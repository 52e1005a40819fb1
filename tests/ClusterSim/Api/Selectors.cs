using System.Text.Json.Nodes;

namespace ClusterSim.Api;

/// <summary>A parsed labelSelector query (equality, set-based and existence requirements).</summary>
internal sealed class LabelSelector
{
    private readonly List<Func<IReadOnlyDictionary<string, string>, bool>> requirements = [];

    public static readonly LabelSelector Everything = new();

    public static LabelSelector Parse(string? text)
    {
        var selector = new LabelSelector();
        foreach (var part in SplitTopLevel(text ?? ""))
        {
            selector.requirements.Add(ParseRequirement(part));
        }

        return selector;
    }

    public bool Matches(IReadOnlyDictionary<string, string> labels) => requirements.All(r => r(labels));

    public bool Matches(JsonObject obj) => Matches(Meta.Labels(obj));

    /// <summary>Whether a metav1.LabelSelector (matchLabels + matchExpressions) selects <paramref name="labels"/>.</summary>
    public static bool Matches(JsonObject? selector, IReadOnlyDictionary<string, string> labels) =>
        selector is not null && Parse(Format(selector)).Matches(labels);

    /// <summary>The string form the API uses for a metav1.LabelSelector, e.g. "app=bot,tier in (a,b)".</summary>
    public static string Format(JsonObject? selector)
    {
        var parts = new List<string>();
        foreach (var (key, value) in selector.StringMap("matchLabels").OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            parts.Add($"{key}={value}");
        }

        foreach (var expression in selector.Arr("matchExpressions").Objects())
        {
            var key = expression.Str("key");
            var values = string.Join(",", (expression.Arr("values")?.Select(v => v?.GetValue<string>() ?? "") ?? []).Order(StringComparer.Ordinal));
            parts.Add(expression.Str("operator") switch
            {
                "In" => $"{key} in ({values})",
                "NotIn" => $"{key} notin ({values})",
                "Exists" => $"{key}",
                "DoesNotExist" => $"!{key}",
                var op => throw ApiException.BadRequest($"\"{op}\" is not a valid label selector operator"),
            });
        }

        return string.Join(",", parts);
    }

    private static Func<IReadOnlyDictionary<string, string>, bool> ParseRequirement(string text)
    {
        text = text.Trim();
        if (text.StartsWith('!'))
        {
            var key = text[1..].Trim();
            return labels => !labels.ContainsKey(key);
        }

        foreach (var (op, negate) in new[] { (" notin ", true), (" in ", false) })
        {
            var at = text.IndexOf(op, StringComparison.Ordinal);
            if (at > 0)
            {
                var key = text[..at].Trim();
                var set = text[(at + op.Length)..].Trim();
                if (!set.StartsWith('(') || !set.EndsWith(')'))
                {
                    throw Unparsable(text);
                }

                var values = set[1..^1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet();
                return negate
                    ? labels => !labels.TryGetValue(key, out var v) || !values.Contains(v)
                    : labels => labels.TryGetValue(key, out var v) && values.Contains(v);
            }
        }

        foreach (var (op, negate) in new[] { ("!=", true), ("==", false), ("=", false) })
        {
            var at = text.IndexOf(op, StringComparison.Ordinal);
            if (at > 0)
            {
                var key = text[..at].Trim();
                var value = text[(at + op.Length)..].Trim();
                return negate
                    ? labels => !labels.TryGetValue(key, out var v) || v != value
                    : labels => labels.TryGetValue(key, out var v) && v == value;
            }
        }

        if (text.Length == 0 || text.Any(c => char.IsWhiteSpace(c) || c is '(' or ')' or '='))
        {
            throw Unparsable(text);
        }

        return labels => labels.ContainsKey(text);
    }

    private static ApiException Unparsable(string text) =>
        ApiException.BadRequest($"unable to parse requirement: found '{text}', expected: in, notin, =, ==, !=, gt, lt");

    private static IEnumerable<string> SplitTopLevel(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            depth += text[i] switch { '(' => 1, ')' => -1, _ => 0 };
            if (text[i] == ',' && depth == 0)
            {
                if (i > start)
                {
                    yield return text[start..i];
                }

                start = i + 1;
            }
        }

        if (text.Length > start && text[start..].Trim().Length > 0)
        {
            yield return text[start..];
        }
    }
}

/// <summary>A parsed fieldSelector query: field=value / field!=value terms on the fields a resource supports.</summary>
internal sealed class FieldSelector
{
    private static readonly string[] CommonFields = ["metadata.name", "metadata.namespace"];

    private static readonly Dictionary<string, string[]> SupportedFields = new()
    {
        ["pods"] = ["spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName"],
        ["events"] = ["involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"],
        ["replicasets"] = ["status.replicas"],
        ["namespaces"] = ["status.phase"],
        ["nodes"] = ["spec.unschedulable"],
        ["secrets"] = ["type"],
    };

    private readonly List<(string Field, string Value, bool Negate)> terms = [];

    public static FieldSelector Parse(string? text, ResourceType type)
    {
        var selector = new FieldSelector();
        foreach (var part in (text ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var negate = part.Contains("!=", StringComparison.Ordinal);
            var pieces = part.Split(negate ? "!=" : part.Contains("==", StringComparison.Ordinal) ? "==" : "=", 2);
            if (pieces.Length != 2)
            {
                throw ApiException.BadRequest($"invalid selector: '{text}'; can't understand '{part}'");
            }

            var field = pieces[0].Trim();
            var supported = CommonFields.Concat(SupportedFields.GetValueOrDefault(type.Plural, []));
            if (!supported.Contains(field))
            {
                throw ApiException.BadRequest($"field label not supported: {field}");
            }

            selector.terms.Add((field, pieces[1].Trim(), negate));
        }

        return selector;
    }

    public bool Matches(JsonObject obj) => terms.All(t => (Value(obj, t.Field) == t.Value) != t.Negate);

    private static string Value(JsonObject obj, string field)
    {
        if (field == "source")
        {
            return obj.Str("source", "component") ?? "";
        }

        var node = obj.At(field.Split('.'));
        return node switch
        {
            null => "",
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            JsonValue v when v.TryGetValue<bool>(out var b) => b ? "true" : "false",
            _ => node.ToJsonString(),
        };
    }
}
