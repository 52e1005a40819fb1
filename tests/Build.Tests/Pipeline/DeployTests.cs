using TestSupport;
using Xunit;

namespace Build.Tests.Pipeline;

/// <summary>Deploy (the first deployment) and Doctor, against the simulated minikube profile.</summary>
[Collection(PipelineCollection.Name)]
public sealed class DeployTests
{
    private static void Succeeded(ProcessResult run) => Assert.True(run.ExitCode == 0, run.ToString());

    [SkippableFact]
    public async Task Deploy_creates_the_namespace_and_deployments_with_the_built_images()
    {
        await using var workspace = await PipelineWorkspace.StartAsync();

        var run = await workspace.RunAsync("--target=Deploy");

        Succeeded(run);
        Assert.Contains($"ApplyManifests: namespace/{PipelineWorkspace.Namespace} created", run.StandardOutput);
        Assert.Contains("ApplyManifests: deployment.apps/bot created", run.StandardOutput);
        foreach (var service in PipelineWorkspace.Services)
        {
            var id = await workspace.BuiltImageIdAsync(service);
            Assert.Equal($"{workspace.Image(service)}:id-{id![7..23]}", workspace.DeploymentImage(service));
            Assert.Equal([$"docker://{id}"], workspace.PodImageIds(service));
            Assert.Equal(1, workspace.Rollouts(service)); // created with the right image: no detour through :latest
        }
    }

    [SkippableFact]
    public async Task A_second_Deploy_with_nothing_changed_changes_nothing()
    {
        await using var workspace = await PipelineWorkspace.StartAsync();
        Succeeded(await workspace.RunAsync("--target=Deploy"));
        var loads = workspace.ImageLoads;

        var run = await workspace.RunAsync("--target=Deploy");

        Succeeded(run);
        Assert.Contains("ApplyManifests: deployment.apps/bot unchanged", run.StandardOutput);
        Assert.Contains("ApplyManifests: deployment.apps/web unchanged", run.StandardOutput);
        Assert.Equal(loads, workspace.ImageLoads);
        Assert.Equal((1, 1), (workspace.Rollouts("bot"), workspace.Rollouts("web")));
    }

    [SkippableFact]
    public async Task Deploy_after_a_change_rolls_only_the_changed_service()
    {
        await using var workspace = await PipelineWorkspace.StartAsync();
        Succeeded(await workspace.RunAsync("--target=Deploy"));
        workspace.Change("web");

        var run = await workspace.RunAsync("--target=Deploy");

        Succeeded(run);
        Assert.Contains("ApplyManifests: deployment.apps/web configured", run.StandardOutput);
        Assert.Equal((1, 2), (workspace.Rollouts("bot"), workspace.Rollouts("web")));
        Assert.Equal([$"docker://{await workspace.BuiltImageIdAsync("web")}"], workspace.PodImageIds("web"));
    }

    [SkippableFact]
    public async Task Doctor_passes_on_a_healthy_setup_and_shows_each_check()
    {
        await using var workspace = await PipelineWorkspace.StartAsync();
        Succeeded(await workspace.RunAsync("--target=Deploy"));

        var run = await workspace.RunAsync("--target=Doctor");

        Succeeded(run);
        Assert.Matches(@"docker daemon\s+ok\s+\d+\.\d+", run.StandardOutput);
        Assert.Matches(@"minikube\s+ok\s+v1\.38\.1", run.StandardOutput);
        Assert.Matches(@"minikube profile minikube\s+ok\s+Host Running", run.StandardOutput);
        Assert.Matches($@"namespace {PipelineWorkspace.Namespace}\s+ok\s+exists", run.StandardOutput);
        Assert.Matches(@"deployment bot\s+ok\s+runs cpt-\w+-bot:id-\w+ \(imagePullPolicy IfNotPresent\)", run.StandardOutput);
        Assert.Matches(@"file events \(Watch\)\s+ok\s+native events seen within 2s in [1-9]\d* watched folder\(s\)", run.StandardOutput);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(workspace.ConfigFile)!, ".coinpilot-watch-probe-*", SearchOption.AllDirectories));
        Assert.Contains("Doctor: nothing blocks ./build.sh --target=Redeploy.", run.StandardOutput);
    }

    [SkippableFact]
    public async Task Doctor_blocks_on_a_missing_namespace_and_warns_about_pull_policy_Always()
    {
        await using var workspace = await PipelineWorkspace.StartAsync();

        var missing = await workspace.RunAsync("--target=Doctor");

        Assert.Equal(1, missing.ExitCode);
        Assert.Matches($@"namespace {PipelineWorkspace.Namespace}\s+BLOCKS\s+does not exist: ./build.sh --target=Deploy creates it", missing.StandardOutput);
        Assert.Contains("Doctor found 1 problem(s) that block Redeploy:", missing.Output);

        workspace.WriteManifest("web", "Always");
        await workspace.ApplyManifestsAsync();
        var always = await workspace.RunAsync("--target=Doctor");

        Assert.Matches(@"deployment web\s+warning\s+runs \S+ with imagePullPolicy Always", always.StandardOutput);
        Assert.Matches(@"deployment bot\s+ok", always.StandardOutput);
    }

    [SkippableFact]
    public async Task Doctor_reports_a_stopped_profile_with_the_fix()
    {
        await using var workspace = await PipelineWorkspace.StartAsync();
        await workspace.Cluster.SetProfileStateAsync(ClusterSim.ProfileState.Stopped);

        var run = await workspace.RunAsync("--target=Doctor");

        Assert.Equal(1, run.ExitCode);
        Assert.Matches(@"minikube profile minikube\s+BLOCKS\s+minikube profile minikube is not running .*Start it: minikube start -p minikube", run.StandardOutput);
    }
}
