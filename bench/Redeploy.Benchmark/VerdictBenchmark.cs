using System.Diagnostics;
using System.Text.RegularExpressions;
using TestSupport;

namespace Redeploy.Benchmark;

/// <summary>
/// Time to a verdict: how long ./build.sh --target=Redeploy --rollout-timeout=180s takes to say that a rollout cannot
/// succeed, on the simulated cluster with the kubelet's own restart back-off (10 s, doubling). Each case on a fresh
/// cluster after a first redeploy: a crash loop; an image the node does not have with imagePullPolicy Never (a cluster
/// that pulls from a registry); a missing Secret; and a container that fails once and then runs (which must succeed).
/// </summary>
public static partial class VerdictBenchmark
{
    private const string Timeout = "180s";

    private static readonly (string Name, string Mode, bool Succeeds)[] Cases =
    [
        ("crash loop", "load", false),
        ("image not on the node, imagePullPolicy Never", "registry", false),
        ("missing Secret", "load", false),
        ("restarts once, then runs", "load", true),
    ];

    public static async Task<IReadOnlyList<string>> RunAsync(string buildDll)
    {
        var table = new List<string[]> { new[] { "Case", "Exit", "Time to verdict", "of it, the rollout's wait", "bot's row says" } };
        var holds = true;
        foreach (var (name, mode, succeeds) in Cases)
        {
            Console.Error.WriteLine($"verdict: {name}, on a fresh simulated cluster...");
            await using var workspace = await DeliveryWorkspace.CreateAsync(mode, blobMegabytes: 1);
            await RunAsync(workspace, buildDll, ["--rollout-timeout=60s"], mustSucceed: true); // the first deployment
            await BreakAsync(workspace, name);
            var clock = Stopwatch.StartNew();
            var run = await RunAsync(workspace, buildDll, ["--services=bot", $"--rollout-timeout={Timeout}"], mustSucceed: false);
            var seconds = clock.Elapsed.TotalSeconds;
            var row = BotRow().Match(run.StandardOutput) is { Success: true } match ? match.Groups["rollout"].Value.Trim() : "(no row)";
            holds &= succeeds ? run.ExitCode == 0 : run.ExitCode == 1 && seconds <= 15 && row.StartsWith("failed: ", StringComparison.Ordinal);
            var wait = WaitLine().Match(run.StandardOutput) is { Success: true } waited ? waited.Groups["seconds"].Value + "s" : "-";
            table.Add([name, run.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture), $"{seconds:0.0}s", wait, row]);
        }

        var lines = new List<string> { $"Time to a verdict: ./build.sh --target=Redeploy --services=bot --rollout-timeout={Timeout}, simulated cluster with the kubelet's 10 s restart back-off." };
        lines.AddRange(Tables.Format(table));
        lines.Add($"Goal: the three that cannot succeed end with exit 1 within 15 s, their reason in the row; the fourth succeeds. {(holds ? "It holds." : "It does NOT hold.")}");
        return lines;
    }

    private static async Task BreakAsync(DeliveryWorkspace workspace, string name)
    {
        switch (name)
        {
            case "crash loop":
                workspace.Label("bot", ("io.clustersim.exit-code", "1"), ("io.clustersim.log", "panic: config missing"));
                break;
            case "restarts once, then runs":
                workspace.Label("bot", ("io.clustersim.exit-code", "1"), ("io.clustersim.fail-starts", "1"));
                break;
            case "missing Secret":
                await workspace.KubectlInNamespaceAsync("patch", "deployment", "bot", "--type=json", "-p",
                    """[{"op":"add","path":"/spec/template/spec/containers/0/env/-","value":{"name":"API_KEY","valueFrom":{"secretKeyRef":{"name":"bot-env","key":"API_KEY"}}}}]""");
                workspace.Change("bot");
                break;
            default:
                await workspace.KubectlInNamespaceAsync("patch", "deployment", "bot", "--type=json", "-p",
                    """[{"op":"replace","path":"/spec/template/spec/containers/0/imagePullPolicy","value":"Never"}]""");
                workspace.Change("bot");
                break;
        }
    }

    private static async Task<ProcessResult> RunAsync(DeliveryWorkspace workspace, string buildDll, string[] arguments, bool mustSucceed)
    {
        var run = await ProcessRunner.RunAsync("dotnet", [buildDll, "--target=Redeploy", .. workspace.Arguments, .. arguments], workspace.Environment, timeout: TimeSpan.FromMinutes(10));
        return mustSucceed && run.ExitCode != 0 ? throw new InvalidOperationException($"Redeploy with {workspace.Mode} delivery failed:\n{run}") : run;
    }

    [GeneratedRegex(@"Rollout: (?:done in|stopped waiting after) (?<seconds>[\d.]+)s\.")]
    private static partial Regex WaitLine();

    [GeneratedRegex(@"^bot\s+\S+\s+\S+\s+\S+\s+(loaded \S+|on node|pushed \S+|in registry|-)\s+(?<rollout>.+)$", RegexOptions.Multiline)]
    private static partial Regex BotRow();
}
