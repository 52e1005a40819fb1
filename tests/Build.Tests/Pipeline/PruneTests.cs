using System.Text.Json.Nodes;
using Build.Tests.Infrastructure;
using ClusterSim;
using TestSupport;
using Xunit;

namespace Build.Tests.Pipeline;

/// <summary>
/// Disk hygiene end to end on the simulated cluster with the real Docker daemon (and the real registry): each
/// change's old id- images go, and what the cluster uses or can roll back to, or the build did not make, stays.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class PruneTests
{
    private static void Succeeded(ProcessResult run) => Assert.True(run.ExitCode == 0, run.ToString());

    private static void Says(string pattern, ProcessResult run) =>
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(run.StandardOutput, pattern), $"expected /{pattern}/ in:\n{run}");

    /// <summary>The id- tags of the service's repository in the Docker daemon the environment points at.</summary>
    private static async Task<IReadOnlyList<string>> DaemonIdTagsAsync(string repository, IReadOnlyDictionary<string, string>? environment = null)
    {
        var result = await ProcessRunner.RunAsync("docker", ["image", "ls", "--format", "{{.Tag}}", repository], environment?.ToDictionary(e => e.Key, e => (string?)e.Value));
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(t => t.StartsWith("id-", StringComparison.Ordinal)).ToList();
    }

    private static IReadOnlyList<string> NodeTags(PipelineWorkspace workspace, string service) =>
        workspace.Cluster.NodeImages.Keys.Where(t => t.StartsWith($"docker.io/library/{workspace.Image(service)}:", StringComparison.Ordinal)).Select(t => t.Split(':')[^1]).ToList();

    /// <summary>The images of the deployment's two newest ReplicaSet revisions (its current one and the one rollout undo goes back to).</summary>
    private static async Task<IReadOnlyList<string>> LastTwoRevisionImagesAsync(PipelineWorkspace workspace, string deployment)
    {
        var result = await workspace.KubectlAsync("-n", PipelineWorkspace.Namespace, "get", "replicasets", "-l", $"app={deployment}", "-o", "json");
        return (JsonNode.Parse(result.StandardOutput)!["items"]!.AsArray())
            .OrderByDescending(rs => int.Parse((string)rs!["metadata"]!["annotations"]!["deployment.kubernetes.io/revision"]!))
            .Take(2)
            .Select(rs => (string)rs!["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!)
            .ToList();
    }

    private static Task<ProcessResult> DockerAsync(IReadOnlyDictionary<string, string>? environment, params string[] arguments) =>
        ProcessRunner.RunAsync("docker", arguments, environment?.ToDictionary(e => e.Key, e => (string?)e.Value));

    [SkippableTheory]
    [InlineData("load")]
    [InlineData("docker-env")]
    public async Task After_ten_changes_of_bot_at_most_four_of_its_images_remain_and_rollout_undo_works(string delivery)
    {
        var dockerEnv = delivery == "docker-env";
        if (dockerEnv)
        {
            Requirements.Require(SimulatedCluster.DockerDaemonProblem is null, SimulatedCluster.DockerDaemonProblem ?? "");
        }

        await using var workspace = await PipelineWorkspace.StartAsync(o => dockerEnv ? o with { NodeRuntime = NodeRuntime.DockerDaemon } : o);
        workspace.WriteConfig(imageDelivery: delivery);
        await workspace.ApplyManifestsAsync();
        var builtWith = dockerEnv ? workspace.Cluster.NodeDockerEnvironment : null;
        var bot = workspace.Image("bot");
        Succeeded(await workspace.RunAsync("--target=Redeploy", "--services=bot"));
        Assert.Equal(0, (await DockerAsync(builtWith, "tag", $"{bot}:latest", $"{bot}:mine")).ExitCode); // a user's own tag
        var webBefore = NodeTags(workspace, "web");
        var systemImages = workspace.Cluster.NodeImages.Keys.Count(t => !t.Contains("cpt-", StringComparison.Ordinal));

        var minikubeCalls = new List<int>();
        for (var change = 1; change <= 10; change++)
        {
            workspace.Change("bot");
            var callsBefore = workspace.Cluster.MinikubeCalls.Count;
            var run = await workspace.RunAsync("--target=Redeploy", "--services=bot");
            Succeeded(run);
            minikubeCalls.Add(workspace.Cluster.MinikubeCalls.Count - callsBefore);
            if (change >= 4)
            {
                Says(@"PruneImages: removed [1-9]\d* old id- image tag\(s\)", run); // from the local daemon at least, every time
            }

            Assert.InRange(NodeTags(workspace, "bot").Count(t => t.StartsWith("id-", StringComparison.Ordinal)), 1, 3 + 1); // the newest 3, and at most one waiting for the next removal

            if (run.StandardOutput.IndexOf("PruneImages: removed", StringComparison.Ordinal) is var pruned and >= 0)
            {
                Assert.True(run.StandardOutput.IndexOf("Service ", StringComparison.Ordinal) is var table and >= 0 && table < pruned, "the result table comes before the pruning's line");
            }
        }

        if (!dockerEnv)
        {
            // The load and its check, which pruning reuses (issue 18's budget of 2); the node's old images go two at a
            // time, so one change in two pays a minikube image rm, and no run lists the node again after it.
            Assert.All(minikubeCalls, calls => Assert.InRange(calls, 2, 3));
            Assert.InRange(minikubeCalls.Count(calls => calls == 3), 3, 5);
        }
        else
        {
            Assert.All(minikubeCalls, calls => Assert.InRange(calls, 0, 1)); // minikube docker-env at most; the node's daemon is docker's
        }

        var local = await DaemonIdTagsAsync(bot, builtWith);
        Assert.InRange(local.Count, 1, 4);
        Assert.InRange(NodeTags(workspace, "bot").Count(t => t.StartsWith("id-", StringComparison.Ordinal)), 1, 4);
        foreach (var image in await LastTwoRevisionImagesAsync(workspace, "bot"))
        {
            Assert.Contains(image.Split(':')[^1], NodeTags(workspace, "bot"));
        }

        Assert.Contains("mine", NodeTags(workspace, "bot").Concat(dockerEnv ? [] : (await DockerAsync(null, "image", "ls", "--format", "{{.Tag}}", bot)).StandardOutput.Split('\n')));
        Assert.Equal(0, (await DockerAsync(builtWith, "image", "inspect", $"{bot}:latest")).ExitCode);
        Assert.Equal(webBefore.Order(), NodeTags(workspace, "web").Order()); // another service's images are not this run's to prune
        Assert.Equal(systemImages, workspace.Cluster.NodeImages.Keys.Count(t => !t.Contains("cpt-", StringComparison.Ordinal)));

        var undo = await workspace.KubectlAsync("-n", PipelineWorkspace.Namespace, "rollout", "undo", "deployment/bot");
        Assert.True(undo.ExitCode == 0, undo.ToString());
        var status = await workspace.KubectlAsync("-n", PipelineWorkspace.Namespace, "rollout", "status", "deployment/bot", "--timeout=30s");
        Assert.True(status.ExitCode == 0, status.ToString());
    }

    [SkippableFact]
    public async Task Prune_0_prunes_nothing_and_a_dry_run_of_Prune_removes_nothing_but_says_what_it_would()
    {
        await using var workspace = await PipelineWorkspace.StartAsync();
        await workspace.ApplyManifestsAsync();
        var bot = workspace.Image("bot");
        for (var change = 0; change < 6; change++)
        {
            workspace.Change("bot");
            Succeeded(await workspace.RunAsync("--target=Redeploy", "--services=bot", "--prune=0"));
        }

        Assert.Equal(6, (await DaemonIdTagsAsync(bot)).Count);
        Assert.Equal(6, NodeTags(workspace, "bot").Count(t => t.StartsWith("id-", StringComparison.Ordinal)));

        var dry = await workspace.RunAsync("--target=Prune", "--services=bot", "--dryrun");

        Succeeded(dry);
        Says(@"Prune: would remove \S+:id-\w{16} from the local daemon \(\d", dry);
        Says(@"Prune: would remove 6 old id- image tag\(s\) \(3 from the local daemon, 3 from the node\), freeing \d", dry);
        Says(@"node\s+\S+:id-\w{16}\s+one of the newest 3; .*deployment/bot revision \d+ \(current\)", dry);
        Assert.Equal(6, (await DaemonIdTagsAsync(bot)).Count);
        Assert.Equal(6, NodeTags(workspace, "bot").Count(t => t.StartsWith("id-", StringComparison.Ordinal)));

        var prune = await workspace.RunAsync("--target=Prune", "--services=bot");

        Succeeded(prune);
        Assert.Contains("Prune: removed 6 old id- image tag(s) (3 from the local daemon, 3 from the node)", prune.StandardOutput);
        Assert.Equal(3, (await DaemonIdTagsAsync(bot)).Count);
        Assert.Equal(3, NodeTags(workspace, "bot").Count(t => t.StartsWith("id-", StringComparison.Ordinal)));
    }

    [SkippableFact]
    public async Task An_image_a_failing_rollouts_pods_run_and_one_a_stray_pod_runs_are_kept()
    {
        await using var workspace = await PipelineWorkspace.StartAsync();
        await workspace.ApplyManifestsAsync();
        var references = new List<string>();
        for (var change = 0; change < 3; change++)
        {
            workspace.Change("bot");
            Succeeded(await workspace.RunAsync("--target=Redeploy", "--services=bot", "--prune=0"));
            references.Add(workspace.DeploymentImage("bot")!);
        }

        workspace.WriteDockerfile("bot", ("io.clustersim.exit-code", "3"));
        var failing = await workspace.RunAsync("--target=Redeploy", "--services=bot", "--fail-after-restarts=0");
        Assert.Equal(1, failing.ExitCode);
        Assert.DoesNotContain("PruneImages:", failing.StandardOutput); // a failed rollout prunes nothing
        var crashing = workspace.DeploymentImage("bot")!;
        var stray = await workspace.KubectlAsync("-n", PipelineWorkspace.Namespace, "run", "stray", $"--image={references[0]}", "--image-pull-policy=Never");
        Assert.True(stray.ExitCode == 0, stray.ToString());

        var prune = await workspace.RunAsync("--target=Prune", "--services=bot", "--keep-images=1");

        Succeeded(prune);
        var left = NodeTags(workspace, "bot");
        Assert.Contains(crashing.Split(':')[^1], left);   // the current revision: its pods crash, but are to run it
        Assert.Contains(references[2].Split(':')[^1], left); // the rollout undo target, which the old pods still run
        Assert.Contains(references[0].Split(':')[^1], left); // the stray pod runs it
        Assert.DoesNotContain(references[1].Split(':')[^1], left);
        Says(@"node\s+\S+" + references[0].Split(':')[^1] + @"\s+pod stray uses it", prune);
    }

    [SkippableTheory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Registry_pruning_deletes_old_tags_when_the_registry_allows_and_says_so_in_one_line_when_not(bool deletesEnabled)
    {
        var registry = await PrivateRegistry.StartEmptyAsync(allowDeletes: deletesEnabled);
        registry.Require();
        await using var _ = registry;
        await using var workspace = await PipelineWorkspace.StartAsync(o => o with { Kind = ClusterKind.Remote, ContextName = "shared-dev" });
        workspace.WriteConfig(kubeContext: "shared-dev", imageDelivery: "auto", registry: $"{registry.Host}/team");
        await workspace.ApplyManifestsAsync();
        Assert.Equal(0, (await workspace.KubectlAsync("-n", PipelineWorkspace.Namespace, "create", "secret", "docker-registry", "regcred",
            $"--docker-server={registry.Host}", $"--docker-username={registry.User}", $"--docker-password={registry.Password}")).ExitCode);
        Assert.Equal(0, (await workspace.KubectlAsync("-n", PipelineWorkspace.Namespace, "patch", "serviceaccount", "default", "-p", """{"imagePullSecrets":[{"name":"regcred"}]}""")).ExitCode);
        var environment = DeliveryTests.WithLogin(workspace, registry);
        var repository = $"team/{workspace.Image("bot")}";
        ProcessResult run = null!;
        for (var change = 0; change < 4; change++)
        {
            workspace.Change("bot");
            run = await BuildProcess.RunAsync([$"--config={workspace.ConfigFile}", "--target=Redeploy", "--services=bot", "--allow-context=shared-dev", "--prune-registry=1", "--keep-images=1"], environment);
            Succeeded(run);
        }

        var tags = (await registry.TagsAsync(repository)).Where(t => t.StartsWith("id-", StringComparison.Ordinal)).ToList();
        var revisions = (await LastTwoRevisionImagesAsync(workspace, "bot")).Select(i => i.Split(':')[^1]).ToList();
        Assert.All(revisions, r => Assert.Contains(r, tags)); // never a tag the deployment's revisions use
        if (deletesEnabled)
        {
            Says(@"removed \d+ old id- image tag\(s\) \(.*\d+ from the registry 127\.0\.0\.1:\d+\)", run);
            // A tag an old pod still ran when the last run pruned (on a busy machine the rollout's old pods end a
            // little after it) is rightly kept; once only the new pods run, Prune leaves exactly the two revisions.
            await workspace.Cluster.WaitUntilAsync(_ => workspace.PodImageIds("bot").Distinct().Count() == 1, TimeSpan.FromSeconds(30), "only the new bot pods to run");
            var prune = await BuildProcess.RunAsync([$"--config={workspace.ConfigFile}", "--target=Prune", "--services=bot", "--allow-context=shared-dev", "--prune-registry=1", "--keep-images=1", "--verbosity=verbose"], environment);
            Succeeded(prune);
            tags = (await registry.TagsAsync(repository)).Where(t => t.StartsWith("id-", StringComparison.Ordinal)).ToList();
            Assert.True(revisions.Order().SequenceEqual(tags.Order()), $"left {string.Join(", ", tags)}; revisions {string.Join(", ", revisions)}\n{prune.StandardOutput}");
        }
        else
        {
            Assert.Equal(4, tags.Count);
            Says(System.Text.RegularExpressions.Regex.Escape($"Registry {registry.Host} does not allow deletes (405 UNSUPPORTED): nothing removed there."), run);
        }
    }
}
