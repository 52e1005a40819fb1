using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using ClusterSim.Minikube;
using TestSupport;

namespace Redeploy.Benchmark;

/// <summary>
/// What one pipeline run cost and did. <see cref="MinikubeCalls"/>: the minikube processes it started, as the simulation's
/// call log records them (what the wrapper ran, its exit code and how long it took), without the profile flag.
/// </summary>
public sealed record Measurement(TimeSpan Elapsed, int LoadCalls, int ImagesSent, int Restarts, double PeakMegabytes, bool NewImageRuns, IReadOnlyList<MinikubeCall> MinikubeCalls)
{
    /// <summary>A build's run: each Cake task's duration in seconds, from its task report (Teardown includes pruning). Empty for the naive sequence.</summary>
    public IReadOnlyDictionary<string, double> Tasks { get; init; } = new Dictionary<string, double>();

    /// <summary>"status 0.30s, image load --daemon IMAGE 1.42s": each call and its duration.</summary>
    public string DescribeMinikubeCalls() => MinikubeCalls.Count == 0
        ? "none"
        : string.Join(", ", MinikubeCalls.Select(c => $"{Words(c.Arguments)} {c.Duration.TotalSeconds:0.00}s"));

    /// <summary>The call without its profile flag; an image reference is IMAGE, a Go template TEMPLATE.</summary>
    private static string Words(IReadOnlyList<string> arguments) => string.Join(' ', WithoutProfile(arguments).Select(a =>
        a.Contains("{{", StringComparison.Ordinal) ? "TEMPLATE" : a.Contains(':', StringComparison.Ordinal) && !a.StartsWith('-') ? "IMAGE" : a));

    private static IEnumerable<string> WithoutProfile(IReadOnlyList<string> arguments)
    {
        for (var i = 0; i < arguments.Count; i++)
        {
            if (arguments[i] is "-p" or "--profile")
            {
                i++;
            }
            else if (!arguments[i].StartsWith("-p=", StringComparison.Ordinal) && !arguments[i].StartsWith("--profile=", StringComparison.Ordinal))
            {
                yield return arguments[i];
            }
        }
    }
}

/// <summary>The two ways of redeploying that the benchmark compares, each run as a user would run it.</summary>
public static class Pipelines
{
    /// <summary>
    /// ./build.sh --target=Redeploy (the compiled build, as build.sh runs it when nothing changed) in a build pipeline's
    /// namespace: "redeploy" (the build measured) or "baseline" (another build's dll, e.g. an older commit's).
    /// </summary>
    public static async Task<Measurement> RedeployAsync(Workspace workspace, string buildDll, bool verbose, string pipeline = "redeploy")
    {
        var report = "";
        var measurement = await MeasureAsync(workspace, pipeline, async () =>
        {
            var info = ProcessRunner.CreateStartInfo("dotnet", [buildDll, "--target=Redeploy", $"--config={workspace.ConfigFile(pipeline)}"], workspace.Environment);
            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            var peak = 0L;
            while (!process.WaitForExit(25))
            {
                peak = Math.Max(peak, PeakResidentKilobytes(process.Id));
            }

            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"Redeploy ({pipeline}: {buildDll}) failed:\n{await output}\n{await error}");
            }

            if (verbose)
            {
                // Cake's task report: where the time went.
                Console.Error.WriteLine(string.Join('\n', (await output).Split('\n').SkipWhile(l => !l.Contains("Duration", StringComparison.Ordinal))));
            }

            report = await output;
            return peak / 1024.0;
        });
        return measurement with { Tasks = TaskDurations(report) };
    }

    /// <summary>Cake's task report ("  Rollout   00:00:01.8220299   Succeeded"): each task's seconds.</summary>
    public static IReadOnlyDictionary<string, double> TaskDurations(string output) =>
        output.Split('\n')
            .Select(line => Regex.Match(line, @"^\s+(\w+)\s+(\d\d:\d\d:\d\d\.\d+)\s+(Succeeded|Skipped|Failed|Executed)"))
            .Where(m => m.Success)
            .GroupBy(m => m.Groups[1].Value)
            .ToDictionary(g => g.Key, g => TimeSpan.Parse(g.First().Groups[2].Value, CultureInfo.InvariantCulture).TotalSeconds);

    /// <summary>
    /// The old bash script: build both images one after the other as :latest, load both, restart both, then wait
    /// for each in turn.
    /// </summary>
    public static Task<Measurement> NaiveAsync(Workspace workspace) =>
        MeasureAsync(workspace, "naive", async () =>
        {
            var minikube = Path.Combine(workspace.Cluster.BinDirectory, "minikube");
            var ns = Workspace.Namespace("naive");
            var steps = Workspace.Services.Select(s => ("docker", new[] { "build", "-t", workspace.Image("naive", s) + ":latest", workspace.Context("naive", s) }))
                .Concat(Workspace.Services.Select(s => (minikube, new[] { "-p", "minikube", "image", "load", workspace.Image("naive", s) + ":latest" })))
                .Concat(Workspace.Services.Select(s => ("kubectl", new[] { "-n", ns, "rollout", "restart", $"deployment/{s}" })))
                .Concat(Workspace.Services.Select(s => ("kubectl", new[] { "-n", ns, "rollout", "status", $"deployment/{s}", "--timeout=180s" })));
            foreach (var (tool, arguments) in steps)
            {
                var result = await ProcessRunner.RunAsync(tool, arguments, workspace.Environment);
                if (result.ExitCode != 0)
                {
                    throw new InvalidOperationException($"naive step {tool} {string.Join(' ', arguments)} failed: {result}");
                }
            }

            return 0;
        });

    private static async Task<Measurement> MeasureAsync(Workspace workspace, string pipeline, Func<Task<double>> run)
    {
        var (before, sent, restarts) = (workspace.Cluster.MinikubeCalls.Count, workspace.Cluster.ImageLoadCount, workspace.Rollouts(pipeline));
        var clock = Stopwatch.StartNew();
        var peak = await run();
        var elapsed = clock.Elapsed;
        // Runs are one after the other, so the calls logged meanwhile are this run's.
        var calls = workspace.Cluster.MinikubeCalls.Skip(before).ToList();
        return new Measurement(
            elapsed,
            calls.Count(call => call.Arguments.Contains("image") && call.Arguments.Contains("load")),
            workspace.Cluster.ImageLoadCount - sent,
            workspace.Rollouts(pipeline) - restarts,
            peak,
            await RunsLatestBuildAsync(workspace, pipeline),
            calls);
    }

    /// <summary>Whether the bot pods run the image docker last built for this pipeline (the :latest trap says no).</summary>
    private static async Task<bool> RunsLatestBuildAsync(Workspace workspace, string pipeline)
    {
        var built = await ProcessRunner.RunAsync("docker", ["image", "inspect", "--format", "{{.Id}}", workspace.Image(pipeline, "bot") + ":latest"]);
        var expected = "docker://" + built.StandardOutput.Trim();
        var running = workspace.Cluster.GetPods(Workspace.Namespace(pipeline), "app=bot")
            .Where(pod => pod["metadata"]?["deletionTimestamp"] is null)
            .SelectMany(pod => pod["status"]?["containerStatuses"]?.AsArray() ?? [])
            .Select(status => (string?)status?["imageID"])
            .ToList();
        return running.Count > 0 && running.All(id => id == expected);
    }

    /// <summary>VmHWM: the process's peak resident set size so far, in kB (0 once it has gone).</summary>
    private static long PeakResidentKilobytes(int processId)
    {
        try
        {
            var line = File.ReadLines($"/proc/{processId}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
