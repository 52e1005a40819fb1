using System.Globalization;
using TestSupport;

namespace Redeploy.Benchmark;

/// <summary>
/// The service-count sweep: for each size, a fresh simulated cluster with that many generated services, deployed
/// once; then, each round, a no-op ./build.sh --target=Redeploy (nothing changed) and a one-service change (one
/// content file changed). Each case is run twice: once timed, with the tools as they are, and once with
/// recording shims on PATH that count the build's docker, kubectl and minikube processes (the shims cost a
/// process each, so they stay out of the timed run). The sizes take turns, in a rotated order each round, so
/// that none always runs on the warmer or the busier machine. Medians over the rounds.
/// </summary>
public static class Sweep
{
    /// <summary>The issue's goal at the largest size: tool calls in all, and wall time against the smallest size.</summary>
    private const int NoOpCallLimit = 10;
    private const int ChangeCallLimit = 14;
    private const double WallLimit = 1.3;

    public static async Task<IReadOnlyList<string>> RunAsync(IReadOnlyList<int> sizes, int rounds, string buildDll, bool verbose)
    {
        var results = sizes.ToDictionary(size => size, _ => new SizeResults());
        var loadBefore = LoadAverage();
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
                Console.Error.WriteLine($"sweep round {round}/{rounds}: {string.Join(", ", order)} services...");
                foreach (var size in order)
                {
                    var workspace = workspaces[size];
                    var result = results[size];

                    // The same service is changed for the timed and the counted run (each time to new content).
                    var changed = SweepWorkspace.Service((round - 1) % size + 1);
                    result.NoOp.Add(await MeasureAsync(workspace, buildDll, change: null, verbose, $"{size} services, no-op"));
                    result.Change.Add(await MeasureAsync(workspace, buildDll, changed, verbose, $"{size} services, {changed} changed"));
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

        return Report(sizes, rounds, results, $"load average (1 min) {loadBefore} at the start, {LoadAverage()} at the end, on {Environment.ProcessorCount} cores");
    }

    /// <summary>One case: a timed run without shims, then the same case again (changed again, if a change) with them.</summary>
    private static async Task<Measured> MeasureAsync(SweepWorkspace workspace, string buildDll, string? change, bool verbose, string what)
    {
        var rollouts = workspace.Rollouts;
        if (change is not null)
        {
            workspace.Change(change);
        }

        var seconds = await RunBuildAsync(workspace, buildDll, "Redeploy", workspace.Environment);
        var timedRollouts = workspace.Rollouts - rollouts;
        if (change is not null)
        {
            workspace.Change(change);
        }

        var calls = await workspace.Calls.CountAsync(() => RunBuildAsync(workspace, buildDll, "Redeploy", workspace.RecordingEnvironment));
        if (verbose)
        {
            Console.Error.WriteLine($"  {what}: {seconds:0.00}s, calls {calls}:\n    {string.Join("\n    ", calls.Lines)}");
        }

        return new Measured(seconds, calls, timedRollouts);
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
                Calls(result.NoOp),
                $"{Wall(result.NoOp) / Wall(results[smallest].NoOp):0.00}x",
                Spread(result.Change),
                Calls(result.Change),
                $"{Wall(result.Change) / Wall(results[smallest].Change):0.00}x",
                $"{Rollouts(result.NoOp)}/{Rollouts(result.Change)}",
            ]);
        }

        var lines = new List<string>
        {
            $"Service-count sweep: ./build.sh --target=Redeploy with N generated services, simulated minikube, {rounds} round(s); medians ({load}). " +
            "Calls: the build's own docker/kubectl/minikube processes, counted in a second run of each case.",
        };
        lines.AddRange(Tables.Format(table));

        var big = results[largest];
        var noOpCalls = MedianTotal(big.NoOp);
        var changeCalls = MedianTotal(big.Change);
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

    /// <summary>"1.26s (0.94-1.36)": the median wall time, and the fastest and slowest round (the machine is shared).</summary>
    private static string Spread(List<Measured> runs) =>
        $"{Wall(runs):0.00}s ({runs.Min(r => r.Seconds):0.00}-{runs.Max(r => r.Seconds):0.00})";

    /// <summary>The 1-minute load average, or "?" where /proc/loadavg is not there.</summary>
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

    private static double Wall(List<Measured> runs) => Startup.Median(runs.Select(r => r.Seconds));

    private static double MedianTotal(List<Measured> runs) => Startup.Median(runs.Select(r => (double)r.Calls.Total));

    /// <summary>Median calls per tool and in all; "varied" when the rounds did not all make the same calls.</summary>
    private static string Calls(List<Measured> runs)
    {
        string Median(Func<ToolCalls, int> count) => Startup.Median(runs.Select(r => (double)count(r.Calls))).ToString("0.#", CultureInfo.InvariantCulture);
        var varied = runs.Select(r => r.Calls.ToString()).Distinct().Count() > 1 ? ", varied" : "";
        return $"{Median(c => c.Docker)}/{Median(c => c.Kubectl)}/{Median(c => c.Minikube)} ({Median(c => c.Total)}{varied})";
    }

    /// <summary>The rollouts the timed runs started, as a range when they differed.</summary>
    private static string Rollouts(List<Measured> runs) =>
        runs.Min(r => r.Rollouts) == runs.Max(r => r.Rollouts) ? $"{runs[0].Rollouts}" : $"{runs.Min(r => r.Rollouts)}-{runs.Max(r => r.Rollouts)}";

    /// <summary>One case's timed run (seconds, rollouts it started) and its counted run's calls.</summary>
    private sealed record Measured(double Seconds, ToolCalls Calls, int Rollouts);

    private sealed class SizeResults
    {
        public List<Measured> NoOp { get; } = [];

        public List<Measured> Change { get; } = [];
    }
}
