namespace Build.Infrastructure;

/// <summary>
/// What the build needs from the raw command line, read the same way whichever Frosting host runs it: Cake's own
/// options (<c>--dryrun</c>, <c>--target</c>, ...) are parsed by the host and never reach <c>ICakeArguments</c>.
/// </summary>
public static class CommandLine
{
    /// <summary>The spellings of Cake.Frosting's dry-run option.</summary>
    private static readonly string[] DryRunOptions = ["--dryrun", "--noop", "--whatif"];

    /// <summary>Cake.Frosting's own options, long and short.</summary>
    private static readonly string[] CakeOptions =
    [
        "target", "working", "verbosity", "description", "descriptions", "showdescription", "showdescriptions", "tree", "showtree",
        "dryrun", "noop", "whatif", "exclusive", "version", "ver", "info", "help",
    ];

    private static readonly string[] CakeShortOptions = ["-t", "-w", "-v", "-e", "-h"];

    /// <summary>True when the arguments ask for a dry run (Setup and Teardown run, task bodies do not).</summary>
    public static bool IsDryRun(IEnumerable<string> args) =>
        args.Any(arg => DryRunOptions.Contains(arg.Split('=', 2)[0], StringComparer.OrdinalIgnoreCase));

    /// <summary>
    /// The first thing wrong with the command line, in one line, or null: an argument that neither Cake nor the build
    /// knows (with the closest known one), or an empty <c>--name=</c>. Cake configuration settings (<c>--paths_tools=</c>,
    /// any name with an underscore) pass.
    /// </summary>
    public static string? Problem(IEnumerable<string> args)
    {
        var known = Arguments.All.Select(a => a.Name).Concat(CakeOptions).ToList();
        foreach (var arg in args)
        {
            if (arg == "--")
            {
                break;
            }

            if (!arg.StartsWith('-'))
            {
                continue; // the value of the option before it (--target Redeploy)
            }

            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (!CakeShortOptions.Contains(arg.Split('=', 2)[0], StringComparer.Ordinal))
                {
                    return $"Unknown option {arg}. Run ./build.sh --help for Cake's options, or ./build.sh for the build's arguments.";
                }

                continue;
            }

            var (name, value) = arg[2..].Split('=', 2) is var parts ? (parts[0], parts.Length > 1 ? parts[1] : null) : default;
            if (!known.Contains(name, StringComparer.OrdinalIgnoreCase) && !name.Contains('_', StringComparison.Ordinal))
            {
                var closest = Closest(name, known);
                return $"Unknown argument {arg}." + (closest is null ? "" : $" Did you mean --{closest}?") + " Run ./build.sh to list the arguments.";
            }

            if (value is not null && value.Trim().Length == 0)
            {
                var example = Arguments.All.FirstOrDefault(a => a.Name.Equals(name, StringComparison.OrdinalIgnoreCase))?.Default;
                return $"--{name}= needs a value" + (example is null ? "." : $" (its default is {example}); leave the argument out to use the default.");
            }
        }

        return null;
    }

    private static string? Closest(string name, IEnumerable<string> known) =>
        known.Select(k => (Name: k, Distance: Distance(name.ToLowerInvariant(), k)))
            .Where(k => k.Distance <= Math.Max(2, k.Name.Length / 3))
            .OrderBy(k => k.Distance)
            .Select(k => k.Name)
            .FirstOrDefault();

    /// <summary>Levenshtein distance.</summary>
    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var diagonal = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }

        return row[b.Length];
    }
}
