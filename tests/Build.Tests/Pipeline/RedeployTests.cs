using Build.Tests.Infrastructure;
using TestSupport;
using Xunit;

namespace Build.Tests.Pipeline;

/// <summary>
/// Redeploy end to end: the real build, docker daemon and kubectl against the simulated minikube profile.
/// Each test has its own cluster and images.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class RedeployTests
{
    private static void Succeeded(ProcessResult run) => Assert.True(run.ExitCode == 0, run.ToString());

    private static async Task<PipelineWorkspace> DeployedAsync()
    {
        var workspace = await PipelineWorkspace.StartAsync();
        await workspace.ApplyManifestsAsync();
        Succeeded(await workspace.RunAsync("--target=Redeploy"));
        return workspace;
    }

    [SkippableFact]
    public async Task The_first_redeploy_builds_loads_and_rolls_both_services_and_their_pods_run_the_built_images()
    {
        await using var workspace = await PipelineWorkspace.StartAsync();
        await workspace.ApplyManifestsAsync();

        var run = await workspace.RunAsync("--target=Redeploy");

        Succeeded(run);
        Assert.Equal(1, workspace.ImageLoads);
        foreach (var service in PipelineWorkspace.Services)
        {
            var id = await workspace.BuiltImageIdAsync(service);
            Assert.NotNull(id);
            Assert.Equal($"{workspace.Image(service)}:id-{id![7..23]}", workspace.DeploymentImage(service));
            Assert.Equal([$"docker://{id}"], workspace.PodImageIds(service));
            Assert.Contains($"[{service}] Step 1/2 : FROM scratch", run.StandardOutput);
            Assert.Contains($"Rollout: deployment/{service}: 1 pod(s) run {workspace.Image(service)}:id-{id[7..23]}", run.StandardOutput);
        }

        Assert.Matches(@"bot\s+cpt-\w+-bot:id-\w{16}\s+\w{12}\s+[\d.]+s\s+loaded [\d.]+s\s+rolled out [\d.]+s", run.StandardOutput);
    }

    [SkippableFact]
    public async Task A_second_redeploy_with_nothing_changed_loads_nothing_and_restarts_nothing()
    {
        await using var workspace = await DeployedAsync();
        var (loads, botRollouts, webRollouts) = (workspace.ImageLoads, workspace.Rollouts("bot"), workspace.Rollouts("web"));

        var run = await workspace.RunAsync("--target=Redeploy");

        Succeeded(run);
        Assert.Equal(loads, workspace.ImageLoads);
        Assert.Equal((botRollouts, webRollouts), (workspace.Rollouts("bot"), workspace.Rollouts("web")));
        Assert.Contains("[bot] inputs unchanged since the build of", run.StandardOutput);
        Assert.DoesNotContain("Step 1/", run.StandardOutput);
        Assert.Contains($"MinikubeImageLoad: deployment/bot already runs {workspace.DeploymentImage("bot")}, so the node has it; not loaded.", run.StandardOutput);
        Assert.Contains("Rollout: deployment/bot already runs", run.StandardOutput);
        Assert.Contains("not restarted.", run.StandardOutput);
    }

    [SkippableFact]
    public async Task When_one_service_changed_only_it_is_loaded_and_rolled_and_runs_its_new_image()
    {
        await using var workspace = await DeployedAsync();
        var webRollouts = workspace.Rollouts("web");
        var botRollouts = workspace.Rollouts("bot");
        var oldBot = await workspace.BuiltImageIdAsync("bot");
        workspace.Change("bot");

        var run = await workspace.RunAsync("--target=Redeploy");

        Succeeded(run);
        var newBot = await workspace.BuiltImageIdAsync("bot");
        Assert.NotEqual(oldBot, newBot);
        Assert.Equal([$"docker://{newBot}"], workspace.PodImageIds("bot"));
        Assert.Equal(botRollouts + 1, workspace.Rollouts("bot"));
        Assert.Equal(webRollouts, workspace.Rollouts("web"));
        var load = Assert.Single(workspace.Cluster.MinikubeCalls, c => c.Arguments.Contains("load") && c.Arguments.Any(a => a.Contains(newBot![7..23])));
        Assert.DoesNotContain(load.Arguments, a => a.Contains(workspace.Image("web")));
    }

    [SkippableFact]
    public async Task The_new_image_really_runs_even_where_latest_load_and_restart_would_keep_the_old_one()
    {
        // The trap (minikube#16032): the deployment runs :latest, a changed :latest loaded over it is silently
        // ignored by the node, and a restart runs the old image again. Set the trap up with the naive steps...
        await using var workspace = await PipelineWorkspace.StartAsync();
        await workspace.ApplyManifestsAsync();
        var latest = workspace.Image("bot") + ":latest";
        await Naive(workspace, latest);
        var oldId = await workspace.BuiltImageIdAsync("bot");
        await workspace.Cluster.WaitUntilAsync(_ => workspace.PodImageIds("bot").SequenceEqual([$"docker://{oldId}"]), TimeSpan.FromSeconds(20), "bot to run :latest");
        workspace.Change("bot");
        var podsBefore = BotPods(workspace);
        await Naive(workspace, latest);
        var newId = await workspace.BuiltImageIdAsync("bot");
        // Naive waited for the restart's rollout: the pods it made are the final ones, and they run the old image.
        Assert.NotEqual(oldId, newId);
        Assert.DoesNotContain(BotPods(workspace), podsBefore.Contains); // the restart replaced every pod...
        Assert.Equal([$"docker://{oldId}"], workspace.PodImageIds("bot")); // ...with the old image: the trap is real in the simulation

        // ... then redeploy the same content: the new image runs.
        var run = await workspace.RunAsync("--target=Redeploy", "--services=bot");

        Succeeded(run);
        Assert.Equal([$"docker://{newId}"], workspace.PodImageIds("bot"));
    }

    private static List<string> BotPods(PipelineWorkspace workspace) =>
        workspace.Cluster.GetPods(PipelineWorkspace.Namespace, "app=bot")
            .Where(pod => pod["metadata"]?["deletionTimestamp"] is null)
            .Select(pod => (string)pod["metadata"]!["name"]!)
            .ToList();

    /// <summary>The old bash script's way: build :latest, load it, restart, wait.</summary>
    private static async Task Naive(PipelineWorkspace workspace, string latest)
    {
        var context = Path.Combine(Path.GetDirectoryName(workspace.ConfigFile)!, "bot");
        Assert.Equal(0, (await ProcessRunner.RunAsync("docker", ["build", "-q", "-t", latest, context])).ExitCode);
        var minikube = Path.Combine(workspace.Cluster.BinDirectory, "minikube");
        Assert.Equal(0, (await ProcessRunner.RunAsync(minikube, ["-p", "minikube", "image", "load", latest], workspace.Environment)).ExitCode);
        // kubectl refuses a second restart within the same second (its restartedAt annotation has whole seconds).
        var clock = System.Diagnostics.Stopwatch.StartNew();
        ProcessResult restart;
        while ((restart = await workspace.KubectlAsync("-n", PipelineWorkspace.Namespace, "rollout", "restart", "deployment/bot")).ExitCode != 0 &&
            restart.StandardError.Contains("within the past second", StringComparison.Ordinal) && clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(100);
        }

        Assert.True(restart.ExitCode == 0, restart.ToString());
        Assert.Equal(0, (await workspace.KubectlAsync("-n", PipelineWorkspace.Namespace, "rollout", "status", "deployment/bot", "--timeout=30s")).ExitCode);
    }

    [SkippableFact]
    public async Task An_image_removed_from_docker_is_built_again_even_when_its_inputs_did_not_change()
    {
        await using var workspace = await DeployedAsync();
        var id = await workspace.BuiltImageIdAsync("bot");
        await ProcessRunner.RunAsync("docker", ["rmi", "-f", id!]);

        var run = await workspace.RunAsync("--target=Redeploy", "--services=bot");

        Succeeded(run);
        Assert.Contains("[bot] Step 1/2 : FROM scratch", run.StandardOutput);
        Assert.NotNull(await workspace.BuiltImageIdAsync("bot"));
    }

    [SkippableFact]
    public async Task Force_restart_restarts_an_unchanged_deployment()
    {
        await using var workspace = await DeployedAsync();
        var rollouts = workspace.Rollouts("bot");

        var run = await workspace.RunAsync("--target=Redeploy", "--services=bot", "--force-restart=1");

        Succeeded(run);
        Assert.Equal(rollouts + 1, workspace.Rollouts("bot"));
        Assert.Contains("restarting it (--force-restart)", run.StandardOutput);
    }

    [SkippableFact]
    public async Task A_crash_looping_image_fails_the_run_with_a_diagnosis_and_its_last_log_lines()
    {
        await using var workspace = await DeployedAsync();
        workspace.WriteDockerfile("bot", ("io.clustersim.exit-code", "3"), ("io.clustersim.log", "starting bot\\npanic: exchange key missing"));

        var run = await workspace.RunAsync("--target=Redeploy", "--services=bot", "--rollout-timeout=8s");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Rollout of deployment/bot failed: CrashLoopBackOff (exit 3, 2 restarts).", run.Output);
        Assert.Matches(@"bot\s+\S+:id-\w{16}\s+\w{12}\s+[\d.]+s\s+loaded [\d.]+s\s+failed: CrashLoopBackOff \(exit 3, 2 restarts\)", run.Output);
        Assert.Matches(@"pod bot-\S+: container bot is CrashLoopBackOff: .*last exit code 3\)", run.Output);
        Assert.Contains("The container keeps exiting; its last log lines follow.", run.Output);
        Assert.Contains("| panic: exchange key missing", run.Output);
        Assert.Contains("Latest warnings:", run.Output);
        Assert.Contains("BackOff pod/bot-", run.Output);
        Assert.Contains("Error: Rollout failed for bot (see the diagnosis above).", run.Output);
        Assert.Contains("--rollback-on-failure=1 undoes", run.Output);
        Assert.DoesNotContain("   at ", run.Output);
    }

    [SkippableFact]
    public async Task Rollback_on_failure_undoes_the_deployments_this_run_changed()
    {
        await using var workspace = await DeployedAsync();
        var before = workspace.DeploymentImage("bot");
        var oldId = await workspace.BuiltImageIdAsync("bot");
        workspace.WriteDockerfile("bot", ("io.clustersim.exit-code", "1"));

        var run = await workspace.RunAsync("--target=Redeploy", "--services=bot", "--rollout-timeout=6s", "--rollback-on-failure=1");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Rolled back bot to the previous revision.", run.Output);
        Assert.Equal(before, workspace.DeploymentImage("bot"));
        await workspace.Cluster.WaitUntilAsync(_ => workspace.PodImageIds("bot").SequenceEqual([$"docker://{oldId}"]), TimeSpan.FromSeconds(20), "the old bot to run again");
    }

    [SkippableFact]
    public async Task A_pull_policy_of_Always_times_out_with_an_image_pull_diagnosis()
    {
        await using var workspace = await PipelineWorkspace.StartAsync();
        workspace.WriteManifest("web", "Always");
        await workspace.ApplyManifestsAsync();

        var run = await workspace.RunAsync("--target=Redeploy", "--services=web", "--rollout-timeout=5s");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("has imagePullPolicy Always", run.Output);
        Assert.Matches("container web is (ErrImagePull|ImagePullBackOff)", run.Output);
        Assert.Contains("imagePullPolicy: IfNotPresent or Never", run.Output);
    }

    [SkippableFact]
    public async Task The_same_warning_for_several_deployments_is_said_once_naming_them()
    {
        await using var workspace = await PipelineWorkspace.StartAsync();
        workspace.WriteManifest("bot", "Always");
        workspace.WriteManifest("web", "Always");
        await workspace.ApplyManifestsAsync();

        var run = await workspace.RunAsync("--target=Redeploy", "--rollout-timeout=5s");

        Assert.Equal(1, run.ExitCode);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(run.Output, "imagePullPolicy Always, so the node"));
        Assert.Contains("Rollout: deployment/bot, deployment/web have imagePullPolicy Always, so the node will try to pull their images", run.Output);
    }

    [SkippableFact]
    public async Task A_missing_namespace_is_named_as_such_before_anything_is_built()
    {
        await using var workspace = await PipelineWorkspace.StartAsync();

        var run = await workspace.RunAsync("--target=Redeploy");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"Error: Namespace {PipelineWorkspace.Namespace} does not exist in kube context minikube. Create it and the deployments: ./build.sh --target=Deploy", run.Output);
        Assert.DoesNotContain("Deployment bot", run.Output);
        Assert.Null(await workspace.BuiltImageIdAsync("bot"));
        Assert.Equal(0, workspace.ImageLoads);
    }

    [SkippableFact]
    public async Task A_missing_deployment_is_a_clear_error_before_anything_is_built()
    {
        await using var workspace = await PipelineWorkspace.StartAsync();
        await workspace.ApplyManifestsAsync();
        Assert.Equal(0, (await workspace.KubectlAsync("-n", PipelineWorkspace.Namespace, "delete", "deployment", "bot", "--wait=false")).ExitCode);

        var run = await workspace.RunAsync("--target=Redeploy");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"Deployment bot (service bot) does not exist in namespace {PipelineWorkspace.Namespace} of context minikube.", run.Output);
        Assert.Contains("./build.sh --target=Deploy", run.Output);
        Assert.Null(await workspace.BuiltImageIdAsync("bot"));
        Assert.Null(await workspace.BuiltImageIdAsync("web"));
    }

    [SkippableFact]
    public async Task A_context_that_is_not_the_minikube_profiles_is_refused_before_anything_is_built()
    {
        await using var workspace = await PipelineWorkspace.StartAsync();
        await workspace.ApplyManifestsAsync();
        workspace.WriteConfig(kubeContext: "prod-eu");

        var run = await workspace.RunAsync("--target=Redeploy");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Refusing to deploy to kube context prod-eu: it is not the context of minikube profile minikube.", run.Output);
        Assert.Contains("--allow-context=prod-eu", run.Output);
        Assert.Null(await workspace.BuiltImageIdAsync("bot"));
        Assert.Empty(workspace.Cluster.MinikubeCalls);
    }

    [SkippableFact]
    public async Task An_allowed_context_is_used_and_passed_to_every_kubectl_call()
    {
        await using var workspace = await PipelineWorkspace.StartAsync();
        await workspace.ApplyManifestsAsync();
        Assert.Equal(0, (await workspace.KubectlAsync("config", "set-context", "team-local", "--cluster=minikube", "--user=minikube")).ExitCode);
        workspace.WriteConfig(kubeContext: "team-local");

        var run = await workspace.RunAsync("--target=Redeploy", "--allow-context=team-local", "--verbosity=diagnostic");

        Succeeded(run);
        var kubectlCalls = run.StandardOutput.Split('\n').Where(l => l.Contains("Executing:") && l.Contains("kubectl")).ToList();
        Assert.NotEmpty(kubectlCalls);
        Assert.All(kubectlCalls, call => Assert.Contains("--context=team-local", call));
        Assert.All(kubectlCalls, call => Assert.Contains($"--namespace={PipelineWorkspace.Namespace}", call));
    }

    [SkippableFact]
    public async Task A_stopped_profile_is_reported_before_anything_is_built()
    {
        await using var workspace = await PipelineWorkspace.StartAsync();
        await workspace.Cluster.SetProfileStateAsync(ClusterSim.ProfileState.Stopped);

        var run = await workspace.RunAsync("--target=Redeploy");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("minikube profile minikube is not running (Host Stopped", run.Output);
        Assert.Contains("minikube start -p minikube", run.Output);
        Assert.Null(await workspace.BuiltImageIdAsync("bot"));
    }

    [SkippableFact]
    public async Task A_dry_run_prints_the_plan_and_changes_nothing()
    {
        await using var workspace = await PipelineWorkspace.StartAsync();
        await workspace.ApplyManifestsAsync();

        var run = await workspace.RunAsync("--target=Redeploy", "--dryrun");

        Succeeded(run);
        Assert.Contains("Plan (dry run: nothing is built, loaded or changed):", run.StandardOutput);
        Assert.Contains("DockerBuild: bot: docker build --file", run.StandardOutput);
        Assert.Contains($"Rollout: deployment/bot container bot in {PipelineWorkspace.Namespace} (context minikube): now runs {workspace.Image("bot")}:latest;", run.StandardOutput);
        Assert.Null(await workspace.BuiltImageIdAsync("bot"));
        Assert.Equal(0, workspace.ImageLoads);
        Assert.Equal($"{workspace.Image("bot")}:latest", workspace.DeploymentImage("bot"));
    }

    [SkippableFact]
    public async Task In_GitHub_Actions_each_task_is_a_log_group_and_a_summary_goes_to_the_step_summary()
    {
        await using var workspace = await DeployedAsync();
        var summary = Path.Combine(Path.GetTempPath(), $"coinpilot-summary-{Guid.NewGuid():N}.md");
        try
        {
            var environment = workspace.Environment;
            environment["GITHUB_ACTIONS"] = "true";
            environment["GITHUB_STEP_SUMMARY"] = summary;

            var run = await BuildProcess.RunAsync([$"--config={workspace.ConfigFile}", "--target=Redeploy"], environment);

            Succeeded(run);
            var lines = run.StandardOutput.Split('\n');
            Assert.Contains("::group::DockerBuild", lines);
            Assert.Single(lines, l => l == "::group::Rollout");
            Assert.Equal(lines.Count(l => l.StartsWith("::group::")), lines.Count(l => l == "::endgroup::"));
            var markdown = await File.ReadAllTextAsync(summary);
            Assert.StartsWith("### `./build.sh --target=Redeploy` succeeded", markdown);
            Assert.Contains($"| bot | {workspace.Image("bot")}:id-", markdown);
            Assert.Contains("| on node | unchanged |", markdown);
        }
        finally
        {
            File.Delete(summary);
        }
    }
}

/// <summary>Pipeline runs build images and start clusters: one at a time, so timings stay sane on two cores.</summary>
[CollectionDefinition(Name)]
public sealed class PipelineCollection
{
    public const string Name = "Pipeline";
}
