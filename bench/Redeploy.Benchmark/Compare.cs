using System.Diagnostics;
using ClusterSim;
using TestSupport;

namespace Redeploy.Benchmark;

/// <summary>
/// Redeploy against the old script's naive sequence, and against a baseline build when one is given: 2 services x
/// blobMegabytes MB, a fresh simulated minikube profile each round, with the given minikube latency (fast: what the
/// simulation itself costs; real: each minikube call lasts what the real one takes on the docker driver). The
/// pipelines take turns first within a round, so none always runs on the warmer machine.
/// </summary>
public static class Compare
{
    private static readonly string[] Cases = ["first redeploy", "nothing changed", "one service changed"];

    /// <summary>What a latency profile's goal against the baseline is (issue 18): the ratio ours/baseline at most this.</summary>
    private static readonly Dictionary<string, double> RealGoal = new() { ["nothing changed"] = 0.7, ["one service changed"] = 0.8 };

    public static async Task<IReadOnlyList<string>> RunAsync(string buildDll, string? baselineDll, int rounds, int blobMegabytes, bool verbose, MinikubeLatency latency)
    {
        var name = latency == MinikubeLatency.Real ? "real" : "fast";
        var pipelines = baselineDll is null ? new[] { "redeploy", "naive" } : ["redeploy", "baseline", "naive"];
        var results = Cases.ToDictionary(c => c, _ => pipelines.ToDictionary(p => p, _ => new List<Measurement>()));
        var loadBefore = Sweep.LoadAverage();
        var clock = Stopwatch.StartNew();
        for (var round = 1; round <= rounds; round++)
        {
            Console.Error.WriteLine($"{name} minikube latency, round {round}/{rounds}: 2 services x {blobMegabytes} MB on a fresh simulated cluster...");
            await using var workspace = await Workspace.CreateAsync(blobMegabytes, latency, baseline: baselineDll is not null);
            foreach (var pipeline in pipelines)
            {
                var apply = await ProcessRunner.RunAsync("kubectl", ["apply", "-f", workspace.Manifests(pipeline)], workspace.Environment);
                if (apply.ExitCode != 0)
                {
                    throw new InvalidOperationException(apply.ToString());
                }
            }

            var order = pipelines.Skip((round - 1) % pipelines.Length).Concat(pipelines.Take((round - 1) % pipelines.Length)).ToList();
            foreach (var @case in Cases)
            {
                if (@case == "one service changed")
                {
                    foreach (var pipeline in pipelines)
                    {
                        workspace.Change(pipeline, "bot");
                    }
                }

                foreach (var pipeline in order)
                {
                    results[@case][pipeline].Add(pipeline switch
                    {
                        "naive" => await Pipelines.NaiveAsync(workspace),
                        "baseline" => await Pipelines.RedeployAsync(workspace, baselineDll!, verbose, "baseline"),
                        _ => await Pipelines.RedeployAsync(workspace, buildDll, verbose),
                    });
                }
            }
        }

        var header = new List<string> { "Case", "Redeploy", "Naive", "Ratio", "Load calls R/N", "Images sent R/N", "Restarts R/N", "New image runs R/N", "Build host peak" };
        header.AddRange(baselineDll is null ? ["Minikube calls R/N"] : ["Minikube calls R/B/N", "Baseline", "Redeploy / baseline", "Baseline's new image runs"]);
        var table = new List<string[]> { header.ToArray() };
        var ratios = new Dictionary<string, double>();
        foreach (var @case in Cases)
        {
            var redeploy = results[@case]["redeploy"];
            var naive = results[@case]["naive"];
            var r = Seconds(redeploy);
            var n = Seconds(naive);
            var row = new List<string>
            {
                @case,
                $"{r:0.00}s",
                $"{n:0.00}s",
                $"{r / n:0.00}x",
                $"{Count(redeploy, m => m.LoadCalls)}/{Count(naive, m => m.LoadCalls)}",
                $"{Count(redeploy, m => m.ImagesSent)}/{Count(naive, m => m.ImagesSent)}",
                $"{Count(redeploy, m => m.Restarts)}/{Count(naive, m => m.Restarts)}",
                $"{YesNo(redeploy)}/{YesNo(naive)}",
                $"{redeploy.Max(m => m.PeakMegabytes):0} MB",
            };
            if (baselineDll is null)
            {
                row.Add($"{Count(redeploy, m => m.MinikubeCalls.Count)}/{Count(naive, m => m.MinikubeCalls.Count)}");
            }
            else
            {
                var baseline = results[@case]["baseline"];
                var b = Seconds(baseline);
                ratios[@case] = r / b;
                row.Add($"{Count(redeploy, m => m.MinikubeCalls.Count)}/{Count(baseline, m => m.MinikubeCalls.Count)}/{Count(naive, m => m.MinikubeCalls.Count)}");
                row.Add($"{b:0.00}s");
                row.Add($"{r / b:0.00}x");
                row.Add(YesNo(baseline));
            }

            table.Add(row.ToArray());
        }

        var lines = new List<string>
        {
            $"Redeploy vs the old script's naive sequence{(baselineDll is null ? "" : " and the baseline build")}: 2 services x {blobMegabytes} MB, {rounds} round(s), " +
            $"simulated minikube, {name} minikube latency; medians (peak: max; calls: median per run). Took {clock.Elapsed.TotalMinutes:0.0} min; " +
            $"load average (1 min) {loadBefore} at the start, {Sweep.LoadAverage()} at the end, on {Environment.ProcessorCount} cores.",
        };
        if (baselineDll is not null)
        {
            lines.Add($"Baseline: {baselineDll}");
        }

        lines.AddRange(Tables.Format(table));
        if (baselineDll is not null)
        {
            lines.Add(latency == MinikubeLatency.Real
                ? "Goal under the real latency (issue 18): " + string.Join("; ", RealGoal.Select(g => $"{g.Key} {ratios[g.Key]:0.00}x the baseline (at most {g.Value:0.0}x: {(ratios[g.Key] <= g.Value ? "yes" : "no")})")) +
                  (RealGoal.All(g => ratios[g.Key] <= g.Value) ? ". The goal holds." : ". The goal does not hold.")
                : "Fast latency (issue 18: must not get worse): " + string.Join("; ", RealGoal.Keys.Select(c => $"{c} {ratios[c]:0.00}x the baseline")) + ".");
        }

        // Which calls cost what: each pipeline's minikube calls in the last round.
        lines.Add($"minikube calls per run, last round ({name} latency):");
        foreach (var @case in Cases)
        {
            foreach (var pipeline in pipelines.Where(p => p != "naive"))
            {
                var last = results[@case][pipeline][^1];
                lines.Add($"  {pipeline,-8} {@case,-19}  {last.MinikubeCalls.Count} call(s), {last.MinikubeCalls.Sum(c => c.Duration.TotalSeconds):0.00}s: {last.DescribeMinikubeCalls()}");
            }
        }

        // Where the rest of the time goes: the Cake tasks that took 0.05 s or more (medians; Teardown includes pruning).
        lines.Add($"Cake tasks, medians over the rounds ({name} latency; Teardown includes pruning):");
        foreach (var @case in Cases)
        {
            foreach (var pipeline in pipelines.Where(p => p != "naive"))
            {
                var runs = results[@case][pipeline];
                var tasks = runs.SelectMany(m => m.Tasks.Keys).Distinct()
                    .Select(task => (Task: task, Seconds: Startup.Median(runs.Select(m => m.Tasks.GetValueOrDefault(task)))))
                    .Where(t => t.Seconds >= 0.05)
                    .Select(t => $"{t.Task} {t.Seconds:0.00}s");
                lines.Add($"  {pipeline,-8} {@case,-19}  {string.Join(", ", tasks)}");
            }
        }

        return lines;
    }

    private static double Seconds(List<Measurement> runs) => Startup.Median(runs.Select(m => m.Elapsed.TotalSeconds));

    private static string Count(List<Measurement> runs, Func<Measurement, int> count) => $"{Startup.Median(runs.Select(m => (double)count(m))):0}";

    private static string YesNo(List<Measurement> runs) => runs.All(m => m.NewImageRuns) ? "yes" : "no";
}
