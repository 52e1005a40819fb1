using System.Globalization;
using TestSupport;

namespace Redeploy.Benchmark;

/// <summary>
/// The service-count sweep: for each size, a fresh simulated cluster with that many generated services, deployed
/// once; then, each round, a no-op ./build.sh --target=Redeploy (nothing changed) and a one-service change (one
/// content file changed). The machine is shared and its load drifts, so the timed runs of the sizes follow each
/// other closely: each round times the no-op of every size in a rotated order and then in the reverse order (2, 10,
/// 20, 20, 10, 2), then the one-service change the same way; a drift then hits every size alike. Calls are counted
/// after that, in one more run of each case with recording shims on PATH that count the build's docker, kubectl
/// and minikube processes (the shims cost a process each, so no timed run has them). Medians over all timed runs.
/// </summary>
public static class Sweep
{
    /// <summary>The issue's goal at the largest size: tool calls in all, and wall time against the smallest size.</summary>
    private const int NoOpCallLimit = 10;
    // 14 when it was set; since then the cluster's lock (a Lease: read, take, give up: 3 kubectl) and pruning after a
    // change (what the cluster uses: 1 kubectl; the daemon's list, inspect and rmi: 3 docker) were added, and the
    // node's image list before a load and after a pruning (2 minikube) taken out.
    private const int ChangeCallLimit = 14 + 3 + 4 - 2;
    private const double WallLimit = 1.3;

    public static async Task<IReadOnlyList<string>> RunAsync(IReadOnlyList<int> sizes, int rounds, string buildDll, bool verbose)
    {
        var results = sizes.ToDictionary(size => size, _ => new SizeResults());
        var loadBefore = LoadAverage();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var workspaces = new Dictionary<int, SweepWorkspace>();
        try
        {
            foreach (var size in sizes)
            {
                Console.Error.WriteLine($"sweep: {size} services on a fresh simulated cluster: Deploy, then one Redeploy to warm up...");
                var workspace = await SweepWorkspace.CreateAsync(size);
                workspaces[size] = workspace;
                await RunBuildAsync(workspace, buildDll, "Deploy", workspace.Environment);
                await RunBuildAsync(workspace, buildDll, "Redeploy", workspace.Environment);
            }

            for (var round = 1; round <= rounds; round++)
            {
                var order = sizes.Skip((round - 1) % sizes.Count).Concat(sizes.Take((round - 1) % sizes.Count)).ToList();
                var timedOrder = order.Concat(Enumerable.Reverse(order)).ToList();
                Console.Error.WriteLine($"sweep round {round}/{rounds}: {string.Join(", ", timedOrder)} services...");

                // Each round changes another service (each time to new content).
                string Changed(int size) => SweepWorkspace.Service((round - 1) % size + 1);
                foreach (var size in timedOrder)
                {
                    results[size].NoOp.Add(await TimeAsync(workspaces[size], buildDll, change: null, verbose));
                }

                foreach (var size in timedOrder)
                {
                    results[size].Change.Add(await TimeAsync(workspaces[size], buildDll, Changed(size), verbose));
                }

                foreach (var size in order)
                {
                    results[size].NoOpCalls.Add(await CountAsync(workspaces[size], buildDll, change: null, verbose));
                    results[size].ChangeCalls.Add(await CountAsync(workspaces[size], buildDll, Changed(size), verbose));
                }
            }
        }
        finally
        {
            foreach (var workspace in workspaces.Values)
            {
                await workspace.DisposeAsync();
            }
        }

        return Report(sizes, rounds, results, $"took {clock.Elapsed.TotalMinutes:0.0} min; load average (1 min) {loadBefore} at the start, {LoadAverage()} at the end, on {Environment.ProcessorCount} cores");
    }

    /// <summary>One timed Redeploy (without shims) after changing <paramref name="change"/>, if given: its wall time and the rollouts it started.</summary>
    private static async Task<Timed> TimeAsync(SweepWorkspace workspace, string buildDll, string? change, bool verbose)
    {
        var rollouts = workspace.Rollouts;
        if (change is not null)
        {
            workspace.Change(change);
        }

        var seconds = await RunBuildAsync(workspace, buildDll, "Redeploy", workspace.Environment);
        var timed = new Timed(seconds, workspace.Rollouts - rollouts);
        if (verbose)
        {
            Console.Error.WriteLine($"  {workspace.Count} services, {change ?? "nothing"} changed: {timed.Seconds:0.00}s, {timed.Rollouts} rollout(s)");
        }

        return timed;
    }

    /// <summary>One Redeploy with the recording shims on PATH, after changing <paramref name="change"/>, if given: the tool calls it made.</summary>
    private static async Task<ToolCalls> CountAsync(SweepWorkspace workspace, string buildDll, string? change, bool verbose)
    {
        if (change is not null)
        {
            workspace.Change(change);
        }

        var calls = await workspace.Calls.CountAsync(() => RunBuildAsync(workspace, buildDll, "Redeploy", workspace.RecordingEnvironment));
        if (verbose)
        {
            Console.Error.WriteLine($"  {workspace.Count} services, {change ?? "nothing"} changed: calls {calls}:\n    {string.Join("\n    ", calls.Lines)}");
        }

        return calls;
    }

    /// <summary>Runs the compiled build as ./build.sh would (dotnet Build.dll) and returns its wall time in seconds.</summary>
    private static async Task<double> RunBuildAsync(SweepWorkspace workspace, string buildDll, string target, IReadOnlyDictionary<string, string?> environment)
    {
        var result = await ProcessRunner.RunAsync("dotnet", [buildDll, $"--target={target}", $"--config={workspace.ConfigFile}"], environment);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{target} with {workspace.Count} services failed: {result}");
        }

        return result.Elapsed.TotalSeconds;
    }

    private static IReadOnlyList<string> Report(IReadOnlyList<int> sizes, int rounds, Dictionary<int, SizeResults> results, string load)
    {
        var smallest = sizes.Min();
        var largest = sizes.Max();
        var table = new List<string[]>
        {
            new[]
            {
                "Services", "No-op wall (min-max)", "No-op calls d/k/m (total)", $"Ratio vs {smallest}",
                "One changed wall (min-max)", "One changed calls d/k/m (total)", $"Ratio vs {smallest}", "Rollouts no-op/one",
            },
        };
        foreach (var size in sizes)
        {
            var result = results[size];
            table.Add(
            [
                $"{size}",
                Spread(result.NoOp),
                Calls(result.NoOpCalls),
                $"{Wall(result.NoOp) / Wall(results[smallest].NoOp):0.00}x",
                Spread(result.Change),
                Calls(result.ChangeCalls),
                $"{Wall(result.Change) / Wall(results[smallest].Change):0.00}x",
                $"{Rollouts(result.NoOp)}/{Rollouts(result.Change)}",
            ]);
        }

        var lines = new List<string>
        {
            $"Service-count sweep: ./build.sh --target=Redeploy with N generated services, simulated minikube, {rounds} round(s) of two timed runs per case; medians ({load}). " +
            "Calls: the build's own docker/kubectl/minikube processes, counted in one more run of each case per round.",
        };
        lines.AddRange(Tables.Format(table));

        var big = results[largest];
        var noOpCalls = MedianTotal(big.NoOpCalls);
        var changeCalls = MedianTotal(big.ChangeCalls);
        var noOpRatio = Wall(big.NoOp) / Wall(results[smallest].NoOp);
        var changeRatio = Wall(big.Change) / Wall(results[smallest].Change);
        var holds = noOpCalls <= NoOpCallLimit && noOpRatio <= WallLimit && changeCalls <= ChangeCallLimit && changeRatio <= WallLimit;
        lines.Add(
            $"Goal with {largest} services (against {smallest}): no-op {noOpCalls:0} calls (at most {NoOpCallLimit}: {YesNo(noOpCalls <= NoOpCallLimit)}), " +
            $"{noOpRatio:0.00}x (at most {WallLimit}x: {YesNo(noOpRatio <= WallLimit)}); " +
            $"one changed {changeCalls:0} calls (at most {ChangeCallLimit}: {YesNo(changeCalls <= ChangeCallLimit)}), " +
            $"{changeRatio:0.00}x (at most {WallLimit}x: {YesNo(changeRatio <= WallLimit)}). The goal {(holds ? "holds" : "does not hold")}.");
        return lines;
    }

    private static string YesNo(bool value) => value ? "yes" : "no";

    /// <summary>"1.26s (0.94-1.36)": the median wall time, and the fastest and slowest run (the machine is shared).</summary>
    private static string Spread(List<Timed> runs) =>
        $"{Wall(runs):0.00}s ({runs.Min(r => r.Seconds):0.00}-{runs.Max(r => r.Seconds):0.00})";

    /// <summary>The 1-minute load average, or "?" where /proc/loadavg is not there.</summary>
    internal static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

    private static double Wall(List<Timed> runs) => Startup.Median(runs.Select(r => r.Seconds));

    private static double MedianTotal(List<ToolCalls> runs) => Startup.Median(runs.Select(r => (double)r.Total));

    /// <summary>Median calls per tool and in all; "varied" when the rounds did not all make the same calls.</summary>
    private static string Calls(List<ToolCalls> runs)
    {
        string Median(Func<ToolCalls, int> count) => Startup.Median(runs.Select(r => (double)count(r))).ToString("0.#", CultureInfo.InvariantCulture);
        var varied = runs.Select(r => r.ToString()).Distinct().Count() > 1 ? ", varied" : "";
        return $"{Median(c => c.Docker)}/{Median(c => c.Kubectl)}/{Median(c => c.Minikube)} ({Median(c => c.Total)}{varied})";
    }

    /// <summary>The rollouts each timed run started, as a range when they differed.</summary>
    private static string Rollouts(List<Timed> runs) =>
        runs.Min(r => r.Rollouts) == runs.Max(r => r.Rollouts) ? $"{runs[0].Rollouts}" : $"{runs.Min(r => r.Rollouts)}-{runs.Max(r => r.Rollouts)}";

    /// <summary>One timed run: its wall time, and the rollouts it started.</summary>
    private sealed record Timed(double Seconds, int Rollouts);

    private sealed class SizeResults
    {
        public List<Timed> NoOp { get; } = [];

        public List<Timed> Change { get; } = [];

        public List<ToolCalls> NoOpCalls { get; } = [];

        public List<ToolCalls> ChangeCalls { get; } = [];
    }
}
