using Xunit;

namespace TestSupport;

/// <summary>
/// The rule for tests that need a real external component (a Docker daemon, kubectl, pwsh, ...):
/// where it is missing they are reported as skipped with the reason, except in CI (CI=true), where
/// .ci/run installs and starts everything and a missing component is a failure.
/// </summary>
public static class Requirements
{
    public static bool InCi =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Skips (or, in CI, fails) the current test unless <paramref name="available"/> holds.</summary>
    public static void Require(bool available, string reason)
    {
        if (available)
        {
            return;
        }

        if (InCi)
        {
            throw new InvalidOperationException($"CI=true but a required component is missing: {reason}. .ci/run must provide it.");
        }

        Skip.If(true, reason);
    }

    /// <summary>The full path of an executable found on PATH, or null.</summary>
    public static string? FindOnPath(string name)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Requires an executable on PATH and returns its full path.</summary>
    public static string RequireTool(string name, string hint)
    {
        var found = FindOnPath(name);
        Require(found is not null, $"'{name}' is not on PATH ({hint})");
        return found!;
    }
}
