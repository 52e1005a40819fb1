using Build.Tests.Infrastructure;
using ClusterSim;
using TestSupport;
using Xunit;

namespace Build.Tests.Pipeline;

/// <summary>
/// What a run costs in minikube processes (each is 0.3-1 s on a real profile, tests/ClusterSim/README.md), counted by
/// the simulated minikube's call log, which records every process of the wrapper: a no-op Redeploy makes at most 1,
/// a one-service change with load delivery at most 2 (the load and one check), docker-env at most 1 per run. And
/// the checks those calls used to make still hold: a stopped, deleted or unreadable profile, or one whose runtime
/// changed, is one line before anything is built.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class MinikubeCallsTests
{
    private static void Succeeded(ProcessResult run) => Assert.True(run.ExitCode == 0, run.ToString());

    /// <summary>The minikube calls <paramref name="run"/> made: "image load --daemon ...", "image ls --format json", ...</summary>
    private static async Task<(ProcessResult Run, List<string> Calls)> CountAsync(PipelineWorkspace workspace, Func<Task<ProcessResult>> run)
    {
        var before = workspace.Cluster.MinikubeCalls.Count;
        var result = await run();
        Succeeded(result);
        var calls = workspace.Cluster.MinikubeCalls.Skip(before)
            .Select(c => string.Join(" ", c.Arguments.Count > 1 && c.Arguments[0] == "-p" ? c.Arguments.Skip(2) : c.Arguments))
            .ToList();
        return (result, calls);
    }

    [SkippableFact]
    public async Task With_load_delivery_a_first_redeploy_and_a_change_make_the_load_and_one_check_and_a_no_op_none()
    {
        await using var workspace = await PipelineWorkspace.StartAsync();
        await workspace.ApplyManifestsAsync();

        var (_, first) = await CountAsync(workspace, () => workspace.RunAsync("--target=Redeploy"));
        var (noOpRun, noOp) = await CountAsync(workspace, () => workspace.RunAsync("--target=Redeploy"));
        workspace.Change("bot");
        var (changeRun, change) = await CountAsync(workspace, () => workspace.RunAsync("--target=Redeploy"));

        Assert.True(first.Count <= 2, $"first redeploy: {string.Join("; ", first)}");
        Assert.Single(first, c => c.StartsWith("image load --daemon", StringComparison.Ordinal));
        Assert.True(noOp.Count <= 1, $"no-op: {string.Join("; ", noOp)}");
        Assert.DoesNotContain(noOp, c => c.StartsWith("image load", StringComparison.Ordinal));
        Assert.True(change.Count <= 2, $"one change: {string.Join("; ", change)}");
        var load = Assert.Single(change, c => c.StartsWith("image load --daemon", StringComparison.Ordinal));
        Assert.Contains(workspace.Image("bot"), load);
        Assert.DoesNotContain(workspace.Image("web"), load);
        Assert.Contains("Preflight: minikube profile minikube runs", noOpRun.StandardOutput);
        var built = await workspace.BuiltImageIdAsync("bot");
        Assert.Equal([$"docker://{built}"], workspace.PodImageIds("bot"));
        Assert.Contains("Rollout: deployment/web already runs", changeRun.StandardOutput);
    }

    [SkippableFact]
    public async Task With_docker_env_delivery_every_run_makes_one_minikube_call_docker_env()
    {
        Requirements.Require(SimulatedCluster.DockerDaemonProblem is null, SimulatedCluster.DockerDaemonProblem ?? "");
        await using var workspace = await PipelineWorkspace.StartAsync(o => o with { NodeRuntime = NodeRuntime.DockerDaemon });
        workspace.WriteConfig(imageDelivery: "auto");
        await workspace.ApplyManifestsAsync();

        var (_, first) = await CountAsync(workspace, () => workspace.RunAsync("--target=Redeploy"));
        var (_, noOp) = await CountAsync(workspace, () => workspace.RunAsync("--target=Redeploy"));
        workspace.Change("bot");
        var (changeRun, change) = await CountAsync(workspace, () => workspace.RunAsync("--target=Redeploy"));

        Assert.Equal(["docker-env --shell none"], first);
        Assert.Equal(["docker-env --shell none"], noOp);
        Assert.Equal(["docker-env --shell none"], change);
        Assert.Contains("ImageDelivery: docker-env:", changeRun.StandardOutput);
        Assert.Contains("Rollout: deployment/bot: 1 pod(s) run", changeRun.StandardOutput);
    }

    [SkippableFact]
    public async Task A_stopped_profile_is_one_line_before_anything_is_built()
    {
        await using var workspace = await PipelineWorkspace.StartAsync();
        await workspace.ApplyManifestsAsync();
        await workspace.Cluster.SetProfileStateAsync(ProfileState.Stopped);

        var run = await workspace.RunAsync("--target=Redeploy");

        OneLineBeforeBuilding(run, "Error: minikube profile minikube is not running (Host Stopped");
        Assert.Null(await workspace.BuiltImageIdAsync("bot"));
    }

    [SkippableFact]
    public async Task A_deleted_profile_is_one_line_before_anything_is_built()
    {
        await using var workspace = await PipelineWorkspace.StartAsync();
        await workspace.ApplyManifestsAsync();
        await workspace.Cluster.DeleteProfileAsync();

        var run = await workspace.RunAsync("--target=Redeploy");

        OneLineBeforeBuilding(run, "Error: minikube profile minikube does not exist. Create it with minikube start -p minikube, or pass --minikube-profile=NAME");
        Assert.Null(await workspace.BuiltImageIdAsync("bot"));
    }

    [SkippableFact]
    public async Task A_profile_without_its_config_file_is_what_minikube_says_of_it_one_line_before_anything_is_built()
    {
        await using var workspace = await PipelineWorkspace.StartAsync();
        await workspace.ApplyManifestsAsync();
        File.Delete(ConfigFile(workspace));

        var run = await workspace.RunAsync("--target=Redeploy");

        // minikube itself cannot load a profile without its config: `minikube status` says it is not found.
        OneLineBeforeBuilding(run, "Error: minikube profile minikube does not exist.");
        Assert.Null(await workspace.BuiltImageIdAsync("bot"));
    }

    [SkippableFact]
    public async Task A_profile_whose_config_file_cannot_be_read_is_one_line_naming_the_file_before_anything_is_built()
    {
        await using var workspace = await PipelineWorkspace.StartAsync();
        await workspace.ApplyManifestsAsync();
        File.WriteAllText(ConfigFile(workspace), "{\"Name\": \"minikube\", \"Driver\": ");

        var run = await workspace.RunAsync("--target=Redeploy");

        OneLineBeforeBuilding(run, $"Error: minikube profile minikube has a config.json that cannot be read ({ConfigFile(workspace)}: it is not JSON (");
        Assert.Contains("Recreate the profile: minikube delete -p minikube, then minikube start -p minikube.", run.Output);
        Assert.Null(await workspace.BuiltImageIdAsync("bot"));
    }

    [SkippableFact]
    public async Task A_profile_whose_runtime_changed_is_read_afresh_and_docker_env_is_refused_in_one_line_before_anything_is_built()
    {
        await using var workspace = await PipelineWorkspace.StartAsync();
        await workspace.ApplyManifestsAsync();
        workspace.Cluster.SetProfileContainerRuntime("containerd");

        var refused = await workspace.RunAsync("--target=Redeploy", "--image-delivery=docker-env");
        var auto = await workspace.RunAsync("--target=Redeploy", "--image-delivery=auto");

        OneLineBeforeBuilding(refused, "Error: --image-delivery=docker-env cannot work: minikube profile minikube uses the containerd runtime, not docker. Use --image-delivery=load.");
        Succeeded(auto);
        Assert.Contains("ImageDelivery: load: minikube profile minikube uses the containerd runtime, not docker, so images are loaded with minikube image load.", auto.StandardOutput);
    }

    private static string ConfigFile(PipelineWorkspace workspace) =>
        Path.Combine(workspace.Environment["MINIKUBE_HOME"]!, "profiles", "minikube", "config.json");

    /// <summary>The run failed with exactly <paramref name="line"/> (its start) as its error, one line, and no build started.</summary>
    private static void OneLineBeforeBuilding(ProcessResult run, string line)
    {
        Assert.True(run.ExitCode == 1, run.ToString());
        var lines = run.Output.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var error = lines.FindIndex(l => l.StartsWith(line, StringComparison.Ordinal));
        Assert.True(error >= 0, $"expected a line starting with '{line}':\n{run}");
        Assert.True(error + 1 == lines.Count || !lines[error + 1].Contains("kube context", StringComparison.Ordinal) && !lines[error + 1].Contains("did not answer", StringComparison.Ordinal),
            $"the error is more than one line:\n{run}");
        Assert.DoesNotContain("Step 1/", run.Output);
    }
}
