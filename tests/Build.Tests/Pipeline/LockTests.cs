using System.Diagnostics;
using System.Text.RegularExpressions;
using Build.Tests.Infrastructure;
using TestSupport;
using Xunit;

namespace Build.Tests.Pipeline;

/// <summary>
/// The redeploy lock lives in the cluster: one run at a time per namespace whoever and wherever it runs from (here:
/// another HOME, so another lock file), naming its holder, and free within its lease duration when the holder dies.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed partial class LockTests
{
    private static RunningBuild StartHanging(PipelineWorkspace workspace, params string[] arguments)
    {
        workspace.WriteDockerfile("bot", ("io.clustersim.start", "never"));
        return workspace.Start(["--target=Redeploy", "--services=bot", .. arguments]);
    }

    private static Task<ProcessResult> RunAsOtherUser(PipelineWorkspace workspace, params string[] arguments) =>
        BuildProcess.RunAsync([$"--config={workspace.ConfigFile}", .. arguments], workspace.EnvironmentOf("bob"), TimeSpan.FromMinutes(2));

    [SkippableFact]
    public async Task A_run_with_another_home_on_the_same_namespace_is_refused_at_once_naming_the_first()
    {
        await using var workspace = await PipelineWorkspace.DeployedAsync();
        using var first = StartHanging(workspace, "--rollout-timeout=30s");
        await first.WaitForOutputAsync("Rollout: waiting for bot", TimeSpan.FromSeconds(90));
        var rollouts = workspace.Rollouts("web");

        var second = await RunAsOtherUser(workspace, "--target=Redeploy", "--services=web", "--force-restart=1");

        Assert.Equal(1, second.ExitCode);
        Assert.Matches($@"Error: Not started: another redeploy \(\S+@\S+, pid {first.ProcessId}, Redeploy, since [\d-]+ [\d:]+Z\) holds the lock of namespace {PipelineWorkspace.Namespace} of context minikube " +
            @"\(its Lease coinpilot-redeploy lasts 30s from each renewal: if that run died, the lock is free in \d+s\)\. Wait for it to finish, or pass --lock-timeout=5m to wait for it\.", second.Output);
        Assert.True(second.Elapsed < TimeSpan.FromSeconds(15), $"took {second.Elapsed}");
        Assert.DoesNotContain("DockerBuild", second.Output);
        Assert.Equal(rollouts, workspace.Rollouts("web"));
        Assert.Contains($"pid {first.ProcessId}, Redeploy", HolderOf(workspace));

        Signals.Send(first.ProcessId, Signals.SIGINT);
        Assert.Equal(130, await first.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    [SkippableFact]
    public async Task The_lock_is_renewed_while_its_run_lives_and_given_up_at_the_end()
    {
        await using var workspace = await PipelineWorkspace.DeployedAsync();
        using var first = StartHanging(workspace, "--rollout-timeout=12s", "--lock-lease=6s");
        await first.WaitForOutputAsync("Rollout: waiting for bot", TimeSpan.FromSeconds(90));

        await workspace.Cluster.WaitUntilAsync(_ => HeldFor(workspace) > TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(10), "renewals past the lease's duration");
        var second = await RunAsOtherUser(workspace, "--target=Redeploy", "--services=web");
        Assert.Equal(1, second.ExitCode); // renewed, the lease outlives its 6s
        Assert.Contains($"pid {first.ProcessId}, Redeploy", second.Output);

        Assert.Equal(1, await first.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal("", HolderOf(workspace));
        var third = await RunAsOtherUser(workspace, "--target=Redeploy", "--services=web");
        Assert.True(third.ExitCode == 0, third.ToString());
    }

    [SkippableFact]
    public async Task A_holder_killed_outright_leaves_the_lock_free_within_its_lease_duration()
    {
        await using var workspace = await PipelineWorkspace.DeployedAsync();
        using var first = StartHanging(workspace, "--rollout-timeout=60s", "--lock-lease=6s");
        await first.WaitForOutputAsync("Rollout: waiting for bot", TimeSpan.FromSeconds(90));
        Signals.Send(first.ProcessId, Signals.SIGKILL);
        var clock = Stopwatch.StartNew();

        var second = await RunAsOtherUser(workspace, "--target=Redeploy", "--services=web", "--lock-timeout=60s");

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Matches($@"ClusterLock: another redeploy \(\S+, pid {first.ProcessId}, Redeploy, .*\) holds the lock .*; waiting for it \(up to 60s\)\.", second.Output);
        var waited = double.Parse(Waited().Match(second.Output).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(waited <= 6 + 1, $"the lock was free only {waited}s after the second run first asked (lease 6s)");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(6 + 15), $"took {clock.Elapsed} after the kill");
        Assert.Equal("", HolderOf(workspace));
    }

    [SkippableFact]
    public async Task Doctor_says_who_holds_the_lock()
    {
        await using var workspace = await PipelineWorkspace.DeployedAsync();
        var free = await workspace.RunAsync("--target=Doctor");
        Assert.Matches(@"redeploy lock\s+ok\s+free \(Lease coinpilot-redeploy in namespace coin-pilot-ns\)", free.StandardOutput);

        using var first = StartHanging(workspace, "--rollout-timeout=30s");
        await first.WaitForOutputAsync("Rollout: waiting for bot", TimeSpan.FromSeconds(90));
        var held = await RunAsOtherUser(workspace, "--target=Doctor");

        Assert.Matches($@"redeploy lock\s+warning\s+held by \S+@\S+, pid {first.ProcessId}, Redeploy, since [^;]+; renewed \d+s ago, lasts 30s from each renewal", held.Output);
        Signals.Send(first.ProcessId, Signals.SIGINT);
        Assert.Equal(130, await first.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    private static string HolderOf(PipelineWorkspace workspace) =>
        workspace.Cluster.GetLease(PipelineWorkspace.Namespace, "coinpilot-redeploy")?["spec"]?["holderIdentity"]?.GetValue<string>() ?? "(no lease)";

    /// <summary>From the lease's acquisition to its last renewal.</summary>
    private static TimeSpan HeldFor(PipelineWorkspace workspace)
    {
        var spec = workspace.Cluster.GetLease(PipelineWorkspace.Namespace, "coinpilot-redeploy")?["spec"];
        return spec is null ? TimeSpan.Zero
            : DateTimeOffset.Parse(spec["renewTime"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) -
              DateTimeOffset.Parse(spec["acquireTime"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"ClusterLock: the lock is this run's after ([\d.]+)s\.")]
    private static partial Regex Waited();
}
