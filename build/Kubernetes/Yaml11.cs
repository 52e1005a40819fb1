using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.RegularExpressions;

namespace Build.Kubernetes;

/// <summary>
/// The values kubectl gives YAML scalars. kubectl converts YAML to JSON with sigs.k8s.io/yaml, which decodes with
/// go-yaml v2: YAML 1.1 scalars as go-yaml v2's resolver (resolve.go) reads them, then JSON-incompatible keys
/// turned into strings (sigs.k8s.io/yaml yaml.go, convertToJSONableObject). Checked against kubectl v1.32
/// (<c>kubectl annotate --local -o json -f FILE</c> parses a file as <c>apply -f</c> does; the tests hold its answers).
/// </summary>
public static partial class Yaml11
{
    public const string StrTag = "tag:yaml.org,2002:str";
    public const string IntTag = "tag:yaml.org,2002:int";
    public const string FloatTag = "tag:yaml.org,2002:float";
    public const string BoolTag = "tag:yaml.org,2002:bool";
    public const string NullTag = "tag:yaml.org,2002:null";
    public const string BinaryTag = "tag:yaml.org,2002:binary";
    public const string MergeTag = "tag:yaml.org,2002:merge";

    /// <summary>go-yaml v2's table of words (yaml.org/type/bool.html, null.html, float.html): nothing else is a bool.</summary>
    private static readonly Dictionary<string, object?> Words = new(StringComparer.Ordinal)
    {
        ["y"] = true, ["Y"] = true, ["yes"] = true, ["Yes"] = true, ["YES"] = true,
        ["true"] = true, ["True"] = true, ["TRUE"] = true, ["on"] = true, ["On"] = true, ["ON"] = true,
        ["n"] = false, ["N"] = false, ["no"] = false, ["No"] = false, ["NO"] = false,
        ["false"] = false, ["False"] = false, ["FALSE"] = false, ["off"] = false, ["Off"] = false, ["OFF"] = false,
        [""] = null, ["~"] = null, ["null"] = null, ["Null"] = null, ["NULL"] = null,
        [".nan"] = double.NaN, [".NaN"] = double.NaN, [".NAN"] = double.NaN,
        [".inf"] = double.PositiveInfinity, [".Inf"] = double.PositiveInfinity, [".INF"] = double.PositiveInfinity,
        ["+.inf"] = double.PositiveInfinity, ["+.Inf"] = double.PositiveInfinity, ["+.INF"] = double.PositiveInfinity,
        ["-.inf"] = double.NegativeInfinity, ["-.Inf"] = double.NegativeInfinity, ["-.INF"] = double.NegativeInfinity,
    };

    /// <summary>
    /// The value of an untagged plain scalar: null, a bool, a long, a ulong (above long's range), a double, or the
    /// text itself. Timestamps, sexagesimal numbers and anything else stay text, as go-yaml v2 leaves them for JSON.
    /// </summary>
    public static object? Plain(string text)
    {
        if (Words.TryGetValue(text, out var word))
        {
            return word;
        }

        if (text[0] == '.')
        {
            return Double(text) is { } fraction ? fraction : text;
        }

        if (text[0] is not ('+' or '-' or (>= '0' and <= '9')))
        {
            return text;
        }

        // Integers go through Go's strconv with base 0 after every '_' is dropped: 0x1F, 0o17, 017 (octal, so
        // 0644 is 420), 0b101, an optional sign; past int64 a uint64; anything else float-shaped is a float (08 is 8.0).
        var digits = text.Replace("_", "", StringComparison.Ordinal);
        if (Integer(digits, 0, signed: true) is { } integer && integer >= long.MinValue && integer <= long.MaxValue)
        {
            return (long)integer;
        }

        if (Integer(digits, 0, signed: false) is { } unsigned && unsigned <= ulong.MaxValue)
        {
            return (ulong)unsigned;
        }

        if (Double(digits) is { } real)
        {
            return real;
        }

        // go-yaml's own fallback for "0b" followed by a signed binary number (0b-101 is -5).
        if (digits.StartsWith("0b", StringComparison.Ordinal) && Integer(digits[2..], 2, signed: true) is { } binary
            && binary >= long.MinValue && binary <= long.MaxValue)
        {
            return (long)binary;
        }

        return text;
    }

    /// <summary>
    /// The value of an explicitly tagged scalar (<c>!!int "0644"</c> is 420, <c>!!str 0644</c> is "0644"), or null
    /// with <paramref name="problem"/> saying why go-yaml refuses it. Tags kubectl does not type (custom ones,
    /// <c>!</c>, <c>!!timestamp</c>) keep the text; <c>!!binary</c> is decoded.
    /// </summary>
    public static object? Tagged(string tag, string text, out string? problem)
    {
        problem = null;
        switch (tag)
        {
            case StrTag:
                return text;
            case BinaryTag:
                try
                {
                    return Encoding.UTF8.GetString(Convert.FromBase64String(text));
                }
                catch (FormatException)
                {
                    problem = "!!binary value contains invalid base64 data";
                    return null;
                }
        }

        var plain = Plain(text);
        (var fits, var value) = tag switch
        {
            IntTag => (plain is long or ulong, plain),
            FloatTag => (plain is double or long, plain is long whole ? (object)(double)whole : plain),
            BoolTag => (plain is bool, plain),
            NullTag => (plain is null, plain),
            _ => (true, text),
        };
        if (!fits)
        {
            problem = $"cannot decode `{text}` as a {ShortTag(tag)}";
        }

        return fits ? value : null;
    }

    /// <summary>
    /// The JSON field name sigs.k8s.io/yaml makes of a decoded key (<c>yes</c> is "true", <c>0x10</c> "16",
    /// <c>1.10</c> "1.1"), or null for a key it refuses (null, or an integer above int64's range).
    /// </summary>
    public static string? KeyName(object? key) => key switch
    {
        string text => text,
        long integer => integer.ToString(CultureInfo.InvariantCulture),
        bool flag => flag ? "true" : "false",
        double real => Float32Text(real),
        _ => null,
    };

    /// <summary>
    /// Go's <c>strconv.FormatFloat(value, 'g', -1, 32)</c>, with go-yaml's names for the infinities and NaN:
    /// the shortest float32 digits, in exponent form below 1e-4 and from 1e6 up ("1e+06", "1.234567e+06").
    /// </summary>
    public static string Float32Text(double value)
    {
        var single = (float)value;
        if (float.IsNaN(single))
        {
            return ".nan";
        }

        if (float.IsInfinity(single))
        {
            return single > 0 ? ".inf" : "-.inf";
        }

        var sign = float.IsNegative(single) ? "-" : "";
        if (single == 0)
        {
            return sign + "0";
        }

        // Shortest round-trip digits and where the decimal point goes: value = 0.DIGITS x 10^point.
        var shortest = Math.Abs(single).ToString("R", CultureInfo.InvariantCulture);
        var e = shortest.IndexOf('E', StringComparison.Ordinal);
        var exponent = e < 0 ? 0 : int.Parse(shortest[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var mantissa = e < 0 ? shortest : shortest[..e];
        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        var whole = dot < 0 ? mantissa : mantissa[..dot];
        var all = whole + (dot < 0 ? "" : mantissa[(dot + 1)..]);
        var digits = all.TrimStart('0');
        var point = whole.Length + exponent - (all.Length - digits.Length);
        digits = digits.TrimEnd('0');

        var power = point - 1;
        if (power < -4 || power >= 6)
        {
            var fraction = digits.Length > 1 ? "." + digits[1..] : "";
            return $"{sign}{digits[0]}{fraction}e{(power < 0 ? '-' : '+')}{Math.Abs(power):00}";
        }

        if (point <= 0)
        {
            return $"{sign}0.{new string('0', -point)}{digits}";
        }

        return digits.Length <= point
            ? sign + digits + new string('0', point - digits.Length)
            : $"{sign}{digits[..point]}.{digits[point..]}";
    }

    private static string ShortTag(string tag) => tag.StartsWith("tag:yaml.org,2002:", StringComparison.Ordinal) ? "!!" + tag[18..] : tag;

    /// <summary>A float in go-yaml's float syntax (yamlStyleFloat) that fits a double; Go refuses 1e400, so does this.</summary>
    private static double? Double(string text) =>
        FloatSyntax().IsMatch(text)
        && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
        && double.IsFinite(value)
            ? value
            : null;

    /// <summary>
    /// Go's <c>strconv.ParseInt</c>/<c>ParseUint</c> syntax without the range check: base 0 takes 0x, 0o, 0b or a
    /// leading 0 (octal) as the base; only a signed parse takes a sign.
    /// </summary>
    private static BigInteger? Integer(string text, int radix, bool signed)
    {
        var negative = signed && text.StartsWith('-');
        var digits = signed && (text.StartsWith('-') || text.StartsWith('+')) ? text[1..] : text;
        if (radix == 0)
        {
            (radix, digits) = digits.Length > 1 && digits[0] == '0'
                ? char.ToLowerInvariant(digits[1]) switch
                {
                    'x' => (16, digits[2..]),
                    'o' => (8, digits[2..]),
                    'b' => (2, digits[2..]),
                    _ => (8, digits[1..]),
                }
                : (10, digits);
        }

        if (digits.Length == 0)
        {
            return null;
        }

        BigInteger value = 0;
        foreach (var c in digits)
        {
            var digit = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'z' => c - 'a' + 10,
                >= 'A' and <= 'Z' => c - 'A' + 10,
                _ => int.MaxValue,
            };
            if (digit >= radix)
            {
                return null;
            }

            value = value * radix + digit;
        }

        return negative ? -value : value;
    }

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatSyntax();
}
