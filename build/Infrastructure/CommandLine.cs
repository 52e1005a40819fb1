namespace Build.Infrastructure;

/// <summary>
/// What the build needs from the raw command line, read the same way whichever Frosting host runs it: Cake's own
/// options (<c>--dryrun</c>, <c>--target</c>, ...) are parsed by the host and never reach <c>ICakeArguments</c>.
/// </summary>
public static class CommandLine
{
    /// <summary>The spellings of Cake.Frosting's dry-run option.</summary>
    private static readonly string[] DryRunOptions = ["--dryrun", "--noop", "--whatif"];

    /// <summary>True when the arguments ask for a dry run (Setup and Teardown run, task bodies do not).</summary>
    public static bool IsDryRun(IEnumerable<string> args) =>
        args.Any(arg => DryRunOptions.Contains(arg.Split('=', 2)[0], StringComparer.OrdinalIgnoreCase));
}
