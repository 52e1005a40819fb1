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

    /// <summary>
    /// The longest duration the build accepts: its waits use .NET timers, which take at most
    /// <see cref="int.MaxValue"/> milliseconds (24.8 days). A longer value is refused, never clamped.
    /// </summary>
    public static readonly TimeSpan LongestDuration = TimeSpan.FromHours(576);

    /// <summary>
    /// A duration such as <c>180s</c>, <c>3m</c>, <c>1m30s</c>, <c>2h</c>, <c>300ms</c> or a number of seconds (zero only when
    /// <paramref name="allowZero"/>), at most <paramref name="longest"/> (<see cref="LongestDuration"/> by default).
    /// </summary>
    public static TimeSpan ParseDuration(string value, string source, bool allowZero = false, TimeSpan? longest = null, TimeSpan? shortest = null)
    {
        var text = value.Trim();
        var match = DurationPattern().Match(text);
        if (!match.Success || text.Length == 0)
        {
            throw new BuildInputException($"{source}={value} is not a duration: use for example 90s, 3m or 1m30s.");
        }

        // Digits of any length: a value too large for a number type is too long, not malformed.
        var seconds = match.Groups["n"].Success
            ? Number(match, "n")
            : (Number(match, "h") * 3600) + (Number(match, "m") * 60) + Number(match, "s") + (Number(match, "ms") / 1000);
        var limit = longest ?? LongestDuration;
        if (seconds > (decimal)limit.TotalSeconds)
        {
            throw new BuildInputException($"{source}={value} is too long: the largest value accepted is {Describe(limit)}.");
        }

        if (shortest is { } least && seconds < (decimal)least.TotalSeconds)
        {
            throw new BuildInputException($"{source}={value} is too short: the smallest value accepted is {Describe(least)}.");
        }

        return seconds > 0 || allowZero
            ? TimeSpan.FromSeconds((double)seconds)
            : throw new BuildInputException($"{source}={value} must be longer than zero.");

        static decimal Number(Match match, string group) =>
            !match.Groups[group].Success ? 0
            : match.Groups[group].Value.TrimStart('0') is var digits && digits.Length > 20 ? decimal.MaxValue / 4000
            : decimal.Parse("0" + digits, CultureInfo.InvariantCulture);
    }

    /// <summary>A duration as an argument takes it: <c>576h</c>, <c>10m</c>, <c>1m30s</c>.</summary>
    public static string Describe(TimeSpan duration)
    {
        var hours = (long)duration.TotalHours;
        var parts = (hours > 0 ? $"{hours}h" : "") + (duration.Minutes > 0 ? $"{duration.Minutes}m" : "") + (duration.Seconds > 0 ? $"{duration.Seconds}s" : "");
        return parts.Length == 0 ? "0s" : parts;
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

    [GeneratedRegex(@"^(?:(?<n>\d+)|(?:(?<h>\d+)h)?(?:(?<m>\d+)m(?!s))?(?:(?<s>\d+)s)?(?:(?<ms>\d+)ms)?)$")]
    private static partial Regex DurationPattern();
}
