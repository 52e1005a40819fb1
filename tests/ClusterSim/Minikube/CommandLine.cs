namespace ClusterSim.Minikube;

/// <summary>A flag as pflag declares it: long name, optional shorthand, and whether it takes a value.</summary>
internal sealed record Flag(string Name, char? Short = null, bool IsBool = false, string? Default = null);

/// <summary>A usage error cobra reports as "Error: ..." (exit 14 from minikube's Execute).</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>
/// pflag/cobra-style parsing: --name value, --name=value, -n value, -nvalue, -n=value, boolean flags with an
/// optional =true|false, "--" ends flags; flags may come before, between or after the command words.
/// </summary>
internal sealed class CommandLine
{
    /// <summary>minikube's persistent flags (those a script may pass on any command).</summary>
    public static readonly Flag[] GlobalFlags =
    [
        new("profile", 'p', Default: null),
        new("alsologtostderr", IsBool: true),
        new("logtostderr", IsBool: true),
        new("v", 'v'),
        new("user"),
        new("skip-audit", IsBool: true),
        new("rootless", IsBool: true),
        new("log_dir"),
        new("log_file"),
        new("bootstrapper", 'b'),
        new("help", 'h', IsBool: true),
    ];

    private readonly Dictionary<string, string> values = [];

    private CommandLine(List<string> positionals) => Positionals = positionals;

    public List<string> Positionals { get; }

    /// <summary>The command words: the arguments that are not flags or flag values, judged by the global flags.</summary>
    public static List<string> Words(IReadOnlyList<string> args)
    {
        var words = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                words.AddRange(args.Skip(i + 1));
                break;
            }

            if (arg.StartsWith('-') && arg.Length > 1)
            {
                var global = Find(GlobalFlags, arg);
                if (global is { IsBool: false } && !arg.Contains('=') && (arg.StartsWith("--") || arg.Length == 2))
                {
                    i++;
                }

                continue;
            }

            words.Add(arg);
        }

        return words;
    }

    public static CommandLine Parse(IReadOnlyList<string> args, IReadOnlyList<Flag> commandFlags)
    {
        var flags = GlobalFlags.Concat(commandFlags).ToList();
        var line = new CommandLine([]);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                line.Positionals.AddRange(args.Skip(i + 1));
                break;
            }

            if (!arg.StartsWith('-') || arg.Length == 1)
            {
                line.Positionals.Add(arg);
                continue;
            }

            var flag = Find(flags, arg) ?? throw new UsageException(arg.StartsWith("--")
                ? $"unknown flag: {arg.Split('=')[0]}"
                : $"unknown shorthand flag: '{arg[1]}' in {arg}");
            string? inline = null;
            var eq = arg.IndexOf('=');
            if (eq > 0)
            {
                inline = arg[(eq + 1)..];
            }
            else if (!arg.StartsWith("--") && arg.Length > 2)
            {
                inline = arg[2..];
            }

            if (flag.IsBool)
            {
                var text = inline ?? "true";
                if (!bool.TryParse(text, out var parsed))
                {
                    throw new UsageException($"invalid argument \"{text}\" for \"{Describe(flag)}\" flag: strconv.ParseBool: parsing \"{text}\": invalid syntax");
                }

                line.values[flag.Name] = parsed ? "true" : "false";
            }
            else if (inline is not null)
            {
                line.values[flag.Name] = inline;
            }
            else if (i + 1 < args.Count)
            {
                line.values[flag.Name] = args[++i];
            }
            else
            {
                throw new UsageException($"flag needs an argument: {(arg.StartsWith("--") ? arg : $"'{flag.Short}' in {arg}")}");
            }
        }

        foreach (var flag in flags.Where(f => f.Default is not null && !line.values.ContainsKey(f.Name)))
        {
            line.values[flag.Name] = flag.Default!;
        }

        return line;
    }

    public string? Get(string name) => values.GetValueOrDefault(name);

    public bool IsTrue(string name) => values.GetValueOrDefault(name) == "true";

    private static Flag? Find(IEnumerable<Flag> flags, string arg)
    {
        if (arg.StartsWith("--"))
        {
            var name = arg[2..].Split('=')[0];
            return flags.FirstOrDefault(f => f.Name == name);
        }

        return flags.FirstOrDefault(f => f.Short == arg[1]);
    }

    private static string Describe(Flag flag) => flag.Short is { } s ? $"-{s}, --{flag.Name}" : $"--{flag.Name}";
}
