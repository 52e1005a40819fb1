using System.Diagnostics;
using TestSupport;

namespace Redeploy.Benchmark;

/// <summary>What one pipeline run cost and did.</summary>
public sealed record Measurement(TimeSpan Elapsed, int LoadCalls, int ImagesSent, int Restarts, double PeakMegabytes, bool NewImageRuns);

/// <summary>The two ways of redeploying that the benchmark compares, each run as a user would run it.</summary>
public static class Pipelines
{
    /// <summary>./build.sh --target=Redeploy (the compiled build, as build.sh runs it when nothing changed).</summary>
    public static Task<Measurement> RedeployAsync(Workspace workspace, string buildDll, bool verbose) =>
        MeasureAsync(workspace, "redeploy", async () =>
        {
            var info = ProcessRunner.CreateStartInfo("dotnet", [buildDll, "--target=Redeploy", $"--config={workspace.ConfigFile}"], workspace.Environment);
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
                throw new InvalidOperationException($"Redeploy failed:\n{await output}\n{await error}");
            }

            if (verbose)
            {
                // Cake's task report: where the time went.
                Console.Error.WriteLine(string.Join('\n', (await output).Split('\n').SkipWhile(l => !l.Contains("Duration", StringComparison.Ordinal))));
            }

            return peak / 1024.0;
        });

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
        var (calls, sent, restarts) = (LoadCalls(workspace), workspace.Cluster.ImageLoadCount, workspace.Rollouts(pipeline));
        var clock = Stopwatch.StartNew();
        var peak = await run();
        var elapsed = clock.Elapsed;
        return new Measurement(
            elapsed,
            LoadCalls(workspace) - calls,
            workspace.Cluster.ImageLoadCount - sent,
            workspace.Rollouts(pipeline) - restarts,
            peak,
            await RunsLatestBuildAsync(workspace, pipeline));
    }

    private static int LoadCalls(Workspace workspace) =>
        workspace.Cluster.MinikubeCalls.Count(call => call.Arguments.Contains("image") && call.Arguments.Contains("load"));

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
