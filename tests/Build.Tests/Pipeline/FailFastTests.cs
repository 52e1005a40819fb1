using System.Diagnostics;
using Build.Tests.Infrastructure;
using TestSupport;
using Xunit;

namespace Build.Tests.Pipeline;

/// <summary>
/// A rollout that cannot succeed ends at once and says why, the others are still waited for, and a pod that only
/// needs time (a restart while it starts, a slow start) is not failed. Every run here has the default 180 s timeout
/// in mind: the bound in each test is far below it, so only failing fast passes.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class FailFastTests
{
    private static readonly TimeSpan FarBelowTheTimeout = TimeSpan.FromSeconds(60);

    private static string Row(string service, string rollout) => $@"{service}\s+\S+:id-\w{{16}}\s+\w{{12}}\s+\S+\s+(loaded [\d.]+s|on node|pushed [\d.]+s)\s+{rollout}";

    [SkippableFact]
    public async Task A_crash_loop_fails_at_once_while_the_other_deployment_is_still_waited_for()
    {
        await using var workspace = await PipelineWorkspace.DeployedAsync();
        workspace.WriteDockerfile("bot", ("io.clustersim.exit-code", "1"), ("io.clustersim.log", "panic: config missing"));
        workspace.WriteDockerfile("web", ("io.clustersim.start-delay-ms", "4000")); // web is ready well after bot has failed

        var run = await workspace.RunAsync("--target=Redeploy", "--rollout-timeout=180s");

        Assert.Equal(1, run.ExitCode);
        Assert.True(run.Elapsed < FarBelowTheTimeout, $"took {run.Elapsed}");
        Assert.Matches(Row("bot", @"failed: CrashLoopBackOff \(exit 1, 2 restarts\)"), run.Output);
        Assert.Matches(Row("web", @"rolled out [\d.]+s"), run.Output);
        var failed = run.Output.IndexOf("Rollout of deployment/bot failed: CrashLoopBackOff (exit 1, 2 restarts).", StringComparison.Ordinal);
        var diagnosis = run.Output.IndexOf("| panic: config missing", StringComparison.Ordinal);
        var webDone = run.Output.IndexOf("Rollout: deployment/web: 1 pod(s) run", StringComparison.Ordinal);
        Assert.True(failed >= 0 && diagnosis > 0 && webDone > 0, run.ToString());
        Assert.True(diagnosis < webDone, "bot's diagnosis is printed when it fails, before web has rolled out");
        Assert.Contains("Error: Rollout failed for bot (see the diagnosis above).", run.Output);
    }

    [SkippableFact]
    public async Task A_missing_secret_fails_at_once_naming_it()
    {
        await using var workspace = await PipelineWorkspace.DeployedAsync();
        var patch = await workspace.KubectlAsync("-n", PipelineWorkspace.Namespace, "patch", "deployment", "bot", "--type=json", "-p",
            """[{"op":"add","path":"/spec/template/spec/containers/0/env/-","value":{"name":"API_KEY","valueFrom":{"secretKeyRef":{"name":"bot-env","key":"API_KEY"}}}}]""");
        Assert.True(patch.ExitCode == 0, patch.ToString());
        workspace.Change("bot");

        var run = await workspace.RunAsync("--target=Redeploy", "--services=bot", "--rollout-timeout=180s");

        Assert.Equal(1, run.ExitCode);
        Assert.True(run.Elapsed < FarBelowTheTimeout, $"took {run.Elapsed}");
        Assert.Matches(Row("bot", "failed: CreateContainerConfigError: secret \"bot-env\" not found"), run.Output);
        Assert.Matches(@"pod bot-\S+: container bot is CreateContainerConfigError: secret ""bot-env"" not found", run.Output);
        Assert.Contains("A ConfigMap or Secret the container refers to is missing.", run.Output);
    }

    [SkippableFact]
    public async Task An_image_the_node_does_not_have_with_pull_policy_never_fails_at_once()
    {
        // A cluster that pulls from a registry: the pushed image is not on its node, and Never forbids the pull.
        var (workspace, registry) = await DeliveryTests.RemoteAsync(pullSecret: true);
        await using var _ = workspace;
        await using var __ = registry;
        workspace.WriteManifest("bot", "Never");
        await workspace.ApplyManifestsAsync();

        var run = await BuildProcess.RunAsync([$"--config={workspace.ConfigFile}", "--target=Redeploy", "--services=bot", "--allow-context=shared-dev", "--rollout-timeout=180s"],
            DeliveryTests.WithLogin(workspace, registry));

        Assert.Equal(1, run.ExitCode);
        Assert.True(run.Elapsed < FarBelowTheTimeout, $"took {run.Elapsed}");
        Assert.Matches(Row("bot", "failed: ErrImageNeverPull"), run.Output);
        Assert.Contains($"The container has imagePullPolicy: Never, so the node does not pull from {registry.Host}: set IfNotPresent.", run.Output);
    }

    [SkippableFact]
    public async Task A_container_that_fails_once_and_then_runs_rolls_out()
    {
        await using var workspace = await PipelineWorkspace.DeployedAsync();
        workspace.WriteDockerfile("bot", ("io.clustersim.exit-code", "1"), ("io.clustersim.fail-starts", "1"));

        var run = await workspace.RunAsync("--target=Redeploy", "--services=bot");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches(Row("bot", @"rolled out [\d.]+s"), run.Output);
    }

    [SkippableFact]
    public async Task With_no_allowance_the_first_crash_fails_the_rollout()
    {
        await using var workspace = await PipelineWorkspace.DeployedAsync();
        workspace.WriteDockerfile("bot", ("io.clustersim.exit-code", "1"), ("io.clustersim.fail-starts", "1"));

        var run = await workspace.RunAsync("--target=Redeploy", "--services=bot", "--fail-after-restarts=0");

        Assert.Equal(1, run.ExitCode);
        Assert.Matches(Row("bot", @"failed: \w+ \(exit 1, [01] restarts?\)"), run.Output);
    }

    [SkippableFact]
    public async Task A_slow_but_healthy_start_rolls_out()
    {
        await using var workspace = await PipelineWorkspace.DeployedAsync();
        workspace.WriteDockerfile("bot", ("io.clustersim.start-delay-ms", "5000")); // longer than the allowance's back-off (1 s, 2 s)

        var run = await workspace.RunAsync("--target=Redeploy", "--services=bot");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches(Row("bot", @"rolled out [\d.]+s"), run.Output);
    }

    [SkippableFact]
    public async Task A_timeout_says_how_many_new_pods_are_ready()
    {
        await using var workspace = await PipelineWorkspace.DeployedAsync();
        workspace.WriteDockerfile("bot", ("io.clustersim.start", "never"));

        var run = await workspace.RunAsync("--target=Redeploy", "--services=bot", "--rollout-timeout=5s");

        Assert.Equal(1, run.ExitCode);
        Assert.Matches(Row("bot", "timed out: 0 of 1 new pods ready"), run.Output);
        Assert.Contains("Rollout of deployment/bot failed: not finished after 5s", run.Output);
    }

    [SkippableFact]
    public async Task A_deployment_scaled_to_zero_rolls_out_with_a_warning_that_nothing_runs_the_new_image()
    {
        await using var workspace = await PipelineWorkspace.DeployedAsync();
        Assert.Equal(0, (await workspace.KubectlAsync("-n", PipelineWorkspace.Namespace, "scale", "deployment/bot", "--replicas=0")).ExitCode);
        workspace.Change("bot");

        var run = await workspace.RunAsync("--target=Redeploy", "--services=bot");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches(Row("bot", @"rolled out [\d.]+s: 0 replicas, nothing runs the new image"), run.Output);
        Assert.Contains("Rollout: deployment/bot has 0 replicas: nothing runs", run.Output);
    }
}
