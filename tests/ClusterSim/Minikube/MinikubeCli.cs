using System.Diagnostics;
using System.Text.Json.Nodes;

namespace ClusterSim.Minikube;

/// <summary>What one command needs: the state directory, the parsed command line, the profile, and the two streams.</summary>
internal sealed record CliContext(MinikubeHome Home, CommandLine Line, string Profile, TextWriter Out, TextWriter Error)
{
    /// <summary>Whether stdout is a terminal (commands that print shell code go quiet when it is not).</summary>
    public bool Terminal { get; init; }

    /// <summary>What the call did that its simulated latency depends on.</summary>
    public CallCost Cost { get; init; } = new();

    /// <summary>exit.Message: "X Exiting due to ID: message" on stderr, an optional suggestion, and the issue box for unexpected errors.</summary>
    public int Exit(string id, int code, string message, string? suggestion = null, bool issueLink = false)
    {
        Error.WriteLine();
        Error.WriteLine($"X Exiting due to {id}: {message}");
        if (suggestion is not null)
        {
            Error.WriteLine($"* Suggestion: {suggestion}");
        }

        if (issueLink)
        {
            string[] box =
            [
                "",
                "    * If the above advice does not help, please let us know:",
                "      https://github.com/kubernetes/minikube/issues/new/choose",
                "",
                "    * Please run `minikube logs --file=logs.txt` and attach logs.txt to the GitHub issue.",
                "",
            ];
            var width = box.Max(l => l.Length) + 4;
            Error.WriteLine("* ");
            Error.WriteLine($"╭{new string('─', width)}╮");
            foreach (var line in box)
            {
                Error.WriteLine($"│{line.PadRight(width)}│");
            }

            Error.WriteLine($"╰{new string('─', width)}╯");
        }

        return code;
    }

    /// <summary>klog lines, which reach stderr only with --alsologtostderr (the real CLI writes them to a log file).</summary>
    public void Log(string message)
    {
        if (Line.IsTrue("alsologtostderr") || Line.IsTrue("logtostderr"))
        {
            Error.WriteLine($"I{DateTime.Now:MMdd HH:mm:ss.ffffff} {Environment.ProcessId,7} clustersim] {message}");
        }
    }
}

/// <summary>
/// The minikube v1.38 CLI subset a redeploy tool uses, with the real flags, output and exit codes:
/// status, profile [list], version, docker-env, image load, image ls, image rm. Other commands fail as unknown commands.
/// Every call is appended (argv, exit code) to the call log in the state directory.
/// </summary>
public static class MinikubeCli
{
    public const string Version = "v1.38.1";
    public const string Commit = "c93a4cb9311efc66b90d33ea03f75f2c4120e9b0";

    /// <summary>Exit codes from minikube's reason package.</summary>
    internal const int ExUsage = 14;
    internal const int ExGuestError = 80;
    internal const int ExGuestNotFound = 85;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var home = MinikubeHome.FromEnvironment();
        var clock = Stopwatch.StartNew();
        var cost = new CallCost();
        int code;
        try
        {
            code = await DispatchAsync(args, home, stdout, stderr, cost);
        }
        catch (UsageException e)
        {
            await stderr.WriteLineAsync($"Error: {e.Message}");
            await stderr.WriteLineAsync("Run 'minikube --help' for usage.");
            code = ExUsage;
        }

        await Latency.WaitAsync(home, args, code, cost);
        await stdout.FlushAsync();
        await stderr.FlushAsync();
        CallLog.Append(home, args, code, clock.Elapsed);
        return code;
    }

    private static async Task<int> DispatchAsync(string[] args, MinikubeHome home, TextWriter stdout, TextWriter stderr, CallCost cost)
    {
        var words = CommandLine.Words(args);
        CliContext Context(params Flag[] flags)
        {
            var line = CommandLine.Parse(args, flags);
            cost.Profile = line.Get("profile") ?? home.ActiveProfile();
            return new CliContext(home, line, cost.Profile, stdout, stderr)
            {
                Terminal = ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected,
                Cost = cost,
            };
        }

        switch (words)
        {
            case []:
                Context();
                await stdout.WriteLineAsync("minikube provisions and manages local Kubernetes clusters optimized for development workflows.\n\nSimulated commands: status, profile, version, docker-env, image load, image ls, image rm");
                return 0;
            case ["status", ..]:
                return await StatusCommand.RunAsync(Context(StatusCommand.Flags));
            case ["version", ..]:
                return VersionCommand(Context(new Flag("short", IsBool: true), new Flag("output", 'o', Default: ""), new Flag("components", IsBool: true)));
            case ["profile", "list", ..]:
                return await ProfileCommand.ListAsync(Context(ProfileCommand.ListFlags));
            case ["profile", ..]:
                return ProfileCommand.Select(Context(), words.Skip(1).ToList());
            case ["docker-env", ..]:
                return await DockerEnvCommand.RunAsync(Context(DockerEnvCommand.Flags));
            case ["image", "load", ..]:
                return await ImageCommands.LoadAsync(Context(ImageCommands.LoadFlags), words.Skip(2).ToList());
            case ["image", "ls" or "list", ..]:
                return await ImageCommands.ListAsync(Context(ImageCommands.ListFlags));
            case ["image", "rm" or "remove" or "unload", ..]:
                return await ImageCommands.RemoveAsync(Context(), words.Skip(2).ToList());
            case ["image", ..]:
                Context(new Flag("format"), new Flag("daemon", IsBool: true));
                await stdout.WriteLineAsync("Manage images\n\nAvailable Commands:\n  load          Load an image into minikube\n  ls            List images\n  rm            Remove one or more images\n\nUse \"minikube image <command> --help\" for more information about a command.");
                return 0;
            default:
                await stderr.WriteLineAsync($"Error: unknown command \"{words[0]}\" for \"minikube\"");
                await stderr.WriteLineAsync("Run 'minikube --help' for usage.");
                return ExUsage;
        }
    }

    private static int VersionCommand(CliContext context)
    {
        var output = context.Line.Get("output") ?? "";
        if (context.Line.IsTrue("short"))
        {
            context.Out.WriteLine(Version);
            return 0;
        }

        switch (output)
        {
            case "":
                context.Out.WriteLine($"minikube version: {Version}");
                context.Out.WriteLine($"commit: {Commit}");
                return 0;
            case "json":
                context.Out.WriteLine(Json.Serialize(new JsonObject { ["commit"] = Commit, ["minikubeVersion"] = Version }));
                return 0;
            case "yaml":
                context.Out.WriteLine($"commit: {Commit}\nminikubeVersion: {Version}");
                return 0;
            default:
                return context.Exit("MK_USAGE", ExUsage, $"error: --output must be 'yaml' or 'json'");
        }
    }
}
