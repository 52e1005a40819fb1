using Build.Tests.Infrastructure;
using TestSupport;
using Xunit;

namespace Build.Tests.Pipeline;

/// <summary>
/// A rerun tells the truth: a deployment whose rollout is not complete (an earlier run's crash loop, a killed run's
/// rollout still going) is waited for and judged as a changed one is, and exits 0 only when its pods run the image
/// just built. And a killed build leaves no watch behind for long.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class ConvergeTests
{
    [SkippableFact]
    public async Task A_rerun_after_a_crash_loop_with_nothing_changed_fails_with_the_reason()
    {
        await using var workspace = await PipelineWorkspace.DeployedAsync();
        workspace.WriteDockerfile("bot", ("io.clustersim.exit-code", "1"));
        var first = await workspace.RunAsync("--target=Redeploy", "--services=bot");
        Assert.Equal(1, first.ExitCode);

        var again = await workspace.RunAsync("--target=Redeploy", "--services=bot");

        Assert.Equal(1, again.ExitCode);
        Assert.Contains("[bot] inputs unchanged since the build of", again.Output);
        Assert.Matches(@"Rollout: deployment/bot already runs \S+, but its rollout is not complete \(.+\); waiting for it\.", again.Output);
        // Loaded again: a deployment whose rollout is not complete does not prove the node has the image (its pods may not have started).
        Assert.Matches(@"bot\s+\S+:id-\w{16}\s+\w{12}\s+reused\s+loaded [\d.]+s\s+failed: CrashLoopBackOff \(exit 1, \d+ restarts\)", again.Output);
        Assert.DoesNotContain("This run changed deployment/bot", again.Output); // it changed nothing; the first run did
    }

    [SkippableFact]
    public async Task A_rerun_after_a_killed_run_waits_for_the_rollout_it_left_and_succeeds_only_once_the_pods_run_the_new_image()
    {
        await using var workspace = await PipelineWorkspace.DeployedAsync();
        workspace.WriteDockerfile("bot", ("io.clustersim.start-delay-ms", "6000"));
        using (var killed = workspace.Start("--target=Redeploy", "--services=bot", "--lock-lease=5s"))
        {
            await killed.WaitForOutputAsync("Rollout: waiting for bot", TimeSpan.FromSeconds(90));
            Signals.Send(killed.ProcessId, Signals.SIGKILL);
            Assert.Equal(137, await killed.WaitForExitAsync(TimeSpan.FromSeconds(10)));
        }

        var image = workspace.DeploymentImage("bot");
        var again = await workspace.RunAsync("--target=Redeploy", "--services=bot", "--lock-timeout=30s"); // the killed run's Lease lasts 5s

        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("but its rollout is not complete", again.Output);
        Assert.Matches(@"bot\s+\S+:id-\w{16}\s+\w{12}\s+reused\s+loaded [\d.]+s\s+rolled out [\d.]+s", again.Output);
        Assert.Equal(image, workspace.DeploymentImage("bot"));
        Assert.Equal([$"docker://{await workspace.BuiltImageIdAsync("bot")}"], workspace.PodImageIds("bot"));
    }

    [SkippableFact]
    public async Task The_watches_of_a_build_killed_outright_end_by_themselves_soon_after_the_rollout_timeout()
    {
        await using var workspace = await PipelineWorkspace.DeployedAsync();
        workspace.WriteDockerfile("bot", ("io.clustersim.start", "never"));
        using var run = workspace.Start("--target=Redeploy", "--services=bot", "--rollout-timeout=5s");
        await run.WaitForOutputAsync("Rollout: waiting for bot", TimeSpan.FromSeconds(90));
        var clock = System.Diagnostics.Stopwatch.StartNew(); // the watches, with their --rollout-timeout, began
        await Network.WaitUntilAsync(() => Task.FromResult(WatchesOf(workspace).Count > 0), TimeSpan.FromSeconds(5), "the kubectl watches to start");
        Signals.Send(run.ProcessId, Signals.SIGKILL); // the build only, not its process group

        // README: they end by themselves within 5 s after --rollout-timeout (5 s here); 2 s of margin on two busy cores.
        await Network.WaitUntilAsync(() => Task.FromResult(WatchesOf(workspace).Count == 0), TimeSpan.FromSeconds(30), "the orphaned kubectl watches to end");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5 + 5 + 2), $"the watches lived {clock.Elapsed} after the wait began");
    }

    /// <summary>The kubectl watch processes that talk to this workspace's cluster (found by their KUBECONFIG).</summary>
    private static List<int> WatchesOf(PipelineWorkspace workspace)
    {
        var kubeconfig = "KUBECONFIG=" + workspace.Cluster.KubeconfigPath;
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            try
            {
                var commandLine = File.ReadAllText(Path.Combine(directory, "cmdline")).Split('\0');
                if (commandLine.Contains("--watch") && File.ReadAllText(Path.Combine(directory, "environ")).Split('\0').Contains(kubeconfig))
                {
                    found.Add(pid);
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // It ended while we looked.
            }
        }

        return found;
    }
}
