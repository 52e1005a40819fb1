using System.Globalization;
using System.Text.RegularExpressions;

namespace Build.Infrastructure;

/// <summary>Parses argument and environment values, with errors that name the input and the accepted values.</summary>
public static partial class InputParsing
{
    private const string AcceptedFlags = "1/true/yes or 0/false/no";

    /// <summary>
    /// A yes/no value. An empty value (a bare <c>--flag</c>) means yes. <paramref name="source"/> names the input
    /// in the error, e.g. <c>--keep-docker-creds</c> or <c>COINPILOT_KEEP_DOCKER_CREDS</c>.
    /// </summary>
    public static bool ParseFlag(string? value, string source) =>
        (value ?? "").Trim().ToLowerInvariant() switch
        {
            "" or "1" or "true" or "yes" => true,
            "0" or "false" or "no" => false,
            _ => throw new BuildInputException($"{source}={value} is not a valid value: use {AcceptedFlags}."),
        };

    /// <summary>A duration such as <c>180s</c>, <c>3m</c>, <c>1m30s</c>, <c>2h</c>, <c>300ms</c> or a number of seconds (zero only when <paramref name="allowZero"/>).</summary>
    public static TimeSpan ParseDuration(string value, string source, bool allowZero = false)
    {
        var text = value.Trim();
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && (seconds > 0 || allowZero))
        {
            return TimeSpan.FromSeconds(seconds);
        }

        var match = DurationPattern().Match(text);
        if (!match.Success || text.Length == 0)
        {
            throw new BuildInputException($"{source}={value} is not a duration: use for example 90s, 3m or 1m30s.");
        }

        var total = TimeSpan.FromHours(Number(match, "h")) + TimeSpan.FromMinutes(Number(match, "m")) + TimeSpan.FromSeconds(Number(match, "s")) + TimeSpan.FromMilliseconds(Number(match, "ms"));
        return total > TimeSpan.Zero || allowZero
            ? total
            : throw new BuildInputException($"{source}={value} must be longer than zero.");

        static int Number(Match match, string group) =>
            match.Groups[group].Success ? int.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture) : 0;
    }

    /// <summary>A whole number of at least 1, or <c>all</c> (null).</summary>
    public static int? ParseParallelism(string value, string source) =>
        value.Trim().Equals("all", StringComparison.OrdinalIgnoreCase) ? null : ParseCount(value, source, ", or all");

    /// <summary>A whole number of at least 1.</summary>
    public static int ParseCount(string value, string source, string alternatives = "") => ParseWholeNumber(value, source, 1, alternatives);

    /// <summary>A whole number of at least <paramref name="minimum"/>.</summary>
    public static int ParseWholeNumber(string value, string source, int minimum, string alternatives = "") =>
        int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= minimum
            ? number
            : throw new BuildInputException($"{source}={value} is not valid: use a whole number of at least {minimum}{alternatives}.");

    /// <summary>A comma-separated list, without empty entries or surrounding spaces.</summary>
    public static IReadOnlyList<string> ParseList(string value) =>
        value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [GeneratedRegex(@"^(?:(?<h>\d+)h)?(?:(?<m>\d+)m(?!s))?(?:(?<s>\d+)s)?(?:(?<ms>\d+)ms)?$")]
    private static partial Regex DurationPattern();
}
