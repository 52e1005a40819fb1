using System.Globalization;
using System.Text.RegularExpressions;
using System.Text.Json.Nodes;

namespace ClusterSim.Api;

/// <summary>
/// metav1.MicroTime on the wire: UnmarshalJSON is time.Parse with RFC3339Micro, so exactly six fractional digits are
/// required (plain RFC3339 seconds are refused), and MarshalJSON writes the time back in UTC in the same layout.
/// </summary>
internal static partial class MicroTime
{
    public const string Layout = "2006-01-02T15:04:05.000000Z07:00";

    /// <summary>Go's time.Parse layout elements of RFC3339Micro with what each accepts.</summary>
    private static readonly (string Element, Regex Value)[] Elements =
    [
        ("2006", Digits(4)), ("-", Literal("-")), ("01", Digits(2)), ("-", Literal("-")), ("02", Digits(2)), ("T", Literal("T")),
        ("15", Digits(2)), (":", Literal(":")), ("04", Digits(2)), (":", Literal(":")), ("05", Digits(2)),
        (".000000", new Regex(@"^\.[0-9]{6}")), ("Z07:00", new Regex(@"^(Z|[+-][0-9]{2}:[0-9]{2})")),
    ];

    /// <summary>The value as the server stores and returns it, or null with Go's ParseError text in <paramref name="error"/>.</summary>
    public static string? Normalize(string value, out string? error)
    {
        var rest = value;
        foreach (var (element, pattern) in Elements)
        {
            var match = pattern.Match(rest);
            if (!match.Success)
            {
                error = $"parsing time \"{value}\" as \"{Layout}\": cannot parse \"{rest}\" as \"{element}\"";
                return null;
            }

            rest = rest[match.Length..];
        }

        if (rest.Length > 0)
        {
            error = $"parsing time \"{value}\": extra text: \"{rest}\"";
            return null;
        }

        if (!DateTimeOffset.TryParseExact(value, ["yyyy-MM-dd'T'HH:mm:ss.ffffffK"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            error = $"parsing time \"{value}\": day out of range";
            return null;
        }

        error = null;
        return Json.MicroTime(time);
    }

    /// <summary>Decodes the MicroTime fields at <paramref name="paths"/> of an object of <paramref name="type"/> as the server's JSON decoding does.</summary>
    public static void Decode(ResourceType type, JsonObject obj, params string[][] paths)
    {
        foreach (var path in paths)
        {
            if (obj.At(path[..^1]) is JsonObject parent && parent[path[^1]] is JsonValue value && value.TryGetValue<string>(out var text))
            {
                parent[path[^1]] = Normalize(text, out var error)
                    ?? throw ApiException.BadRequest($"{type.Kind} in version \"{type.Version}\" cannot be handled as a {type.Kind}: {error}");
            }
        }
    }

    private static Regex Digits(int count) => new($"^[0-9]{{{count}}}");

    private static Regex Literal(string text) => new("^" + Regex.Escape(text));
}
