using Xunit;

namespace ClusterSim.Tests;

/// <summary>Rollouts driven by kubectl with images loaded through the `minikube` wrapper from the real Docker daemon.</summary>
public sealed class RolloutTests
{
    [SkippableFact]
    public async Task Set_image_rolls_out_and_the_pods_run_the_loaded_image_id()
    {
        await using var images = TestImages.Create("setimage");
        await using var cluster = await TestCluster.StartAsync();
        var v1 = await images.BuildAsync("v1", "one", log: "starting v1");
        var v2 = await images.BuildAsync("v2", "two");
        var load = await cluster.MinikubeAsync("-p", "minikube", "image", "load", "--daemon", $"{images.Repository}:v1", $"{images.Repository}:v2");
        Assert.True(load.ExitCode == 0, load.ToString());

        await cluster.ApplyDeploymentAsync("bot", $"{images.Repository}:v1");
        var first = await cluster.KubectlAsync("rollout", "status", "deployment/bot", "--timeout=30s", "--request-timeout=5s");
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal("docker://" + v1, TestCluster.ContainerField(Assert.Single(cluster.LivePods("bot")), "imageID"));
        Assert.Equal("starting v1\n", await cluster.KubectlOkAsync("logs", "deployment/bot"));

        Assert.Contains("deployment.apps/bot image updated", await cluster.KubectlOkAsync("set", "image", "deployment/bot", $"bot={images.Repository}:v2"));
        Assert.Equal(2, cluster.Sim.GetDeployment("default", "bot")!["metadata"]!["generation"]!.GetValue<long>());
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var rollout = await cluster.KubectlAsync("rollout", "status", "deployment/bot", "--timeout=30s", "--request-timeout=5s");
        Assert.True(rollout.ExitCode == 0, rollout.ToString());
        Assert.Contains("deployment \"bot\" successfully rolled out", rollout.StandardOutput);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the rollout took {clock.Elapsed}");

        var pod = Assert.Single(cluster.LivePods("bot"));
        Assert.Equal("docker://" + v2, TestCluster.ContainerField(pod, "imageID"));
        Assert.Equal($"{images.Repository}:v2", TestCluster.ContainerField(pod, "image"));
        Assert.Equal("true", TestCluster.ContainerField(pod, "ready")?.ToLowerInvariant());
        var status = cluster.Sim.GetDeployment("default", "bot")!["status"]!;
        Assert.Equal(1, status["updatedReplicas"]!.GetValue<long>());
        Assert.Equal(1, status["availableReplicas"]!.GetValue<long>());
        Assert.Equal(2, cluster.Sim.GetActivity("default", "bot").Rollouts);
    }

    [SkippableFact]
    public async Task Rollout_restart_makes_a_new_replica_set_and_undo_returns_to_the_previous_one()
    {
        await using var images = TestImages.Create("restart");
        await using var cluster = await TestCluster.StartAsync();
        await images.BuildAsync("v1", "one");
        await images.BuildAsync("v2", "two");
        Assert.Equal(0, (await cluster.MinikubeAsync("image", "load", "--daemon", $"{images.Repository}:v1", $"{images.Repository}:v2")).ExitCode);
        await cluster.ApplyDeploymentAsync("svc", $"{images.Repository}:v1");
        await cluster.KubectlOkAsync("rollout", "status", "deployment/svc", "--timeout=30s");
        var firstPod = Assert.Single(cluster.LivePods("svc"))["metadata"]!["name"]!.GetValue<string>();

        Assert.Contains("deployment.apps/svc restarted", await cluster.KubectlOkAsync("rollout", "restart", "deployment/svc"));
        await cluster.KubectlOkAsync("rollout", "status", "deployment/svc", "--timeout=30s");
        Assert.Equal(2, cluster.Sim.GetReplicaSets("default", "svc").Count);
        var restartedPod = Assert.Single(cluster.LivePods("svc"));
        Assert.NotEqual(firstPod, restartedPod["metadata"]!["name"]!.GetValue<string>());
        Assert.NotNull(restartedPod["metadata"]!["annotations"]?["kubectl.kubernetes.io/restartedAt"]);

        await cluster.KubectlOkAsync("set", "image", "deployment/svc", $"svc={images.Repository}:v2");
        await cluster.KubectlOkAsync("rollout", "status", "deployment/svc", "--timeout=30s");
        var history = await cluster.KubectlOkAsync("rollout", "history", "deployment/svc");
        Assert.Matches(@"(?m)^3\s", history);

        Assert.Contains("deployment.apps/svc rolled back", await cluster.KubectlOkAsync("rollout", "undo", "deployment/svc"));
        await cluster.KubectlOkAsync("rollout", "status", "deployment/svc", "--timeout=30s");
        Assert.Equal(3, cluster.Sim.GetReplicaSets("default", "svc").Count);
        Assert.Equal($"{images.Repository}:v1", TestCluster.ContainerField(Assert.Single(cluster.LivePods("svc")), "image"));
        var revisions = await cluster.KubectlOkAsync("rollout", "history", "deployment/svc");
        Assert.Matches(@"(?m)^4\s", revisions);
        Assert.DoesNotMatch(@"(?m)^2\s", revisions);
    }

    [SkippableFact]
    public async Task Revision_history_keeps_the_limit_of_old_replica_sets_so_undo_works_after_several_rollouts()
    {
        await using var images = TestImages.Create("history");
        await using var cluster = await TestCluster.StartAsync();
        var tags = new[] { "v1", "v2", "v3", "v4" };
        foreach (var tag in tags)
        {
            await images.BuildAsync(tag, tag);
        }

        Assert.Equal(0, (await cluster.MinikubeAsync(["image", "load", "--daemon", .. tags.Select(t => $"{images.Repository}:{t}")])).ExitCode);
        await cluster.ApplyDeploymentAsync("bot", $"{images.Repository}:v1");
        await cluster.KubectlOkAsync("patch", "deployment/bot", "-p", "{\"spec\":{\"revisionHistoryLimit\":2}}");
        await cluster.KubectlOkAsync("rollout", "status", "deployment/bot", "--timeout=30s");
        foreach (var tag in tags.Skip(1))
        {
            await cluster.KubectlOkAsync("set", "image", "deployment/bot", $"bot={images.Repository}:{tag}");
            await cluster.KubectlOkAsync("rollout", "status", "deployment/bot", "--timeout=30s");
        }

        await cluster.Sim.WaitUntilAsync(s => s.GetReplicaSets("default", "bot").Count == 3, TimeSpan.FromSeconds(10), "two old replica sets are kept");
        Assert.Matches(@"REVISION\s+CHANGE-CAUSE\n2\s+<none>\n3\s+<none>\n4\s+<none>", await cluster.KubectlOkAsync("rollout", "history", "deployment/bot"));
        Assert.Matches($@"Image:\s+{images.Repository}:v3\n", await cluster.KubectlOkAsync("rollout", "history", "deployment/bot", "--revision=3"));

        Assert.Contains("deployment.apps/bot rolled back", await cluster.KubectlOkAsync("rollout", "undo", "deployment/bot"));
        await cluster.KubectlOkAsync("rollout", "status", "deployment/bot", "--timeout=30s");
        Assert.Equal($"{images.Repository}:v3", TestCluster.ContainerField(Assert.Single(cluster.LivePods("bot")), "image"));

        Assert.Contains("deployment.apps/bot rolled back", await cluster.KubectlOkAsync("rollout", "undo", "deployment/bot", "--to-revision=2"));
        await cluster.KubectlOkAsync("rollout", "status", "deployment/bot", "--timeout=30s");
        Assert.Equal($"{images.Repository}:v2", TestCluster.ContainerField(Assert.Single(cluster.LivePods("bot")), "image"));
        Assert.Matches(@"REVISION\s+CHANGE-CAUSE\n4\s+<none>\n5\s+<none>\n6\s+<none>", await cluster.KubectlOkAsync("rollout", "history", "deployment/bot"));
        var missing = await cluster.KubectlAsync("rollout", "undo", "deployment/bot", "--to-revision=1");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("error: unable to find specified revision 1 in history", missing.StandardError);
    }

    [SkippableFact]
    public async Task A_paused_deployment_observes_template_changes_without_rolling_them_out_until_resumed()
    {
        await using var images = TestImages.Create("paused");
        await using var cluster = await TestCluster.StartAsync();
        await images.BuildAsync("v1", "one");
        await images.BuildAsync("v2", "two");
        Assert.Equal(0, (await cluster.MinikubeAsync("image", "load", "--daemon", $"{images.Repository}:v1", $"{images.Repository}:v2")).ExitCode);
        await cluster.ApplyDeploymentAsync("bot", $"{images.Repository}:v1");
        await cluster.KubectlOkAsync("rollout", "status", "deployment/bot", "--timeout=30s");
        await using var watch = cluster.KubectlInBackground("get", "deployment", "bot", "--watch", "-o", "jsonpath={.status.conditions[?(@.type==\"Progressing\")].reason}{\"\\n\"}", "--request-timeout=0");

        Assert.Contains("deployment.apps/bot paused", await cluster.KubectlOkAsync("rollout", "pause", "deployment/bot"));
        var again = await cluster.KubectlAsync("rollout", "pause", "deployment/bot");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("error: deployments.apps \"bot\" is already paused", again.StandardError);
        await cluster.KubectlOkAsync("set", "image", "deployment/bot", $"bot={images.Repository}:v2");
        await cluster.KubectlOkAsync("scale", "deployment/bot", "--replicas=2");
        await cluster.Sim.WaitUntilAsync(s => s.GetDeployment("default", "bot") is { } d
                && d["status"]?["observedGeneration"]?.GetValue<long>() == d["metadata"]!["generation"]!.GetValue<long>()
                && cluster.LivePods("bot").Count == 2,
            TimeSpan.FromSeconds(10), "the paused deployment observed its new generation and scaled");

        var paused = cluster.Sim.GetDeployment("default", "bot")!;
        Assert.Equal(4, paused["metadata"]!["generation"]!.GetValue<long>()); // pause, set image and scale each change the spec
        var progressing = paused["status"]!["conditions"]!.AsArray().Single(c => c!["type"]!.GetValue<string>() == "Progressing")!;
        Assert.Equal("Unknown", progressing["status"]!.GetValue<string>());
        Assert.Equal("DeploymentPaused", progressing["reason"]!.GetValue<string>());
        Assert.Equal("Deployment is paused", progressing["message"]!.GetValue<string>());
        Assert.Single(cluster.Sim.GetReplicaSets("default", "bot"));
        Assert.All(cluster.LivePods("bot"), pod => Assert.Equal($"{images.Repository}:v1", TestCluster.ContainerField(pod, "image")));
        var waiting = await cluster.KubectlAsync("rollout", "status", "deployment/bot", "--timeout=2s", "--request-timeout=5s");
        Assert.Equal(1, waiting.ExitCode);
        Assert.Contains("Waiting for deployment \"bot\" rollout to finish: 0 out of 2 new replicas have been updated...", waiting.StandardOutput);

        Assert.Contains("deployment.apps/bot resumed", await cluster.KubectlOkAsync("rollout", "resume", "deployment/bot"));
        await cluster.KubectlOkAsync("rollout", "status", "deployment/bot", "--timeout=30s");
        Assert.All(cluster.LivePods("bot"), pod => Assert.Equal($"{images.Repository}:v2", TestCluster.ContainerField(pod, "image")));
        await watch.WaitForAsync(o => o.Contains("NewReplicaSetAvailable\n", StringComparison.Ordinal) && o.LastIndexOf("NewReplicaSetAvailable", StringComparison.Ordinal) > o.IndexOf("DeploymentResumed", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10), "the conditions in order");
        var reasons = watch.Lines.Distinct().ToList();
        Assert.True(reasons.IndexOf("DeploymentPaused") < reasons.IndexOf("DeploymentResumed") && reasons.IndexOf("DeploymentResumed") < reasons.IndexOf("NewReplicaSetCreated"), string.Join(",", reasons));
    }

    [SkippableFact]
    public async Task A_crash_looping_image_times_out_rollout_status_and_keeps_its_previous_log()
    {
        await using var images = TestImages.Create("crash");
        await using var cluster = await TestCluster.StartAsync();
        await images.BuildAsync("bad", "bad", exitCode: 3, log: "loading config\npanic: missing API key");
        Assert.Equal(0, (await cluster.MinikubeAsync("image", "load", "--daemon", $"{images.Repository}:bad")).ExitCode);
        await cluster.ApplyDeploymentAsync("crasher", $"{images.Repository}:bad");

        var status = await cluster.KubectlAsync("rollout", "status", "deployment/crasher", "--timeout=3s", "--request-timeout=5s");
        Assert.Equal(1, status.ExitCode);
        Assert.Contains("error: timed out waiting for the condition", status.StandardError);

        await cluster.Sim.WaitUntilAsync(_ => TestCluster.ContainerField(cluster.LivePods("crasher").Single(), "restartCount") is "1" or "2",
            TimeSpan.FromSeconds(10), "the container restarted");
        var pod = cluster.LivePods("crasher").Single();
        var name = pod["metadata"]!["name"]!.GetValue<string>();
        Assert.Equal("CrashLoopBackOff", pod["status"]!["containerStatuses"]![0]!["state"]!["waiting"]!["reason"]!.GetValue<string>());
        Assert.Equal(3, pod["status"]!["containerStatuses"]![0]!["lastState"]!["terminated"]!["exitCode"]!.GetValue<long>());
        Assert.Matches(@"CrashLoopBackOff\s+1 \(\d+s ago\)", await cluster.KubectlOkAsync("get", "pod", name));

        Assert.Equal("loading config\npanic: missing API key\n", await cluster.KubectlOkAsync("logs", name, "--previous"));
        Assert.Equal("panic: missing API key\n", await cluster.KubectlOkAsync("logs", name, "-c", "crasher", "--previous", "--tail=1"));
        Assert.True(cluster.Sim.GetActivity("default", "crasher").ContainerRestarts >= 1);

        var events = await cluster.KubectlOkAsync("get", "events", "--field-selector", $"involvedObject.name={name}");
        Assert.Contains("Back-off restarting failed container crasher in pod", events);
        Assert.DoesNotContain("replicaset/", events);
    }

    [SkippableFact]
    public async Task A_short_progress_deadline_makes_rollout_status_report_it_exceeded()
    {
        await using var images = TestImages.Create("deadline");
        await using var cluster = await TestCluster.StartAsync();
        await images.BuildAsync("bad", "bad", exitCode: 1);
        Assert.Equal(0, (await cluster.MinikubeAsync("image", "load", "--daemon", $"{images.Repository}:bad")).ExitCode);
        await cluster.ApplyDeploymentAsync("late", $"{images.Repository}:bad", progressDeadlineSeconds: 2);

        var status = await cluster.KubectlAsync("rollout", "status", "deployment/late", "--timeout=30s", "--request-timeout=5s");
        Assert.Equal(1, status.ExitCode);
        Assert.Contains("error: deployment \"late\" exceeded its progress deadline", status.StandardError);
        Assert.True(status.Elapsed < TimeSpan.FromSeconds(15), status.ToString());
    }

    [SkippableFact]
    public async Task Missing_and_unpullable_images_fail_with_the_kubelet_reasons()
    {
        await using var images = TestImages.Create("pull");
        await using var cluster = await TestCluster.StartAsync();
        await images.BuildAsync("latest", "present");
        Assert.Equal(0, (await cluster.MinikubeAsync("image", "load", "--daemon", $"{images.Repository}:latest")).ExitCode);

        await cluster.ApplyDeploymentAsync("never", $"{images.Repository}:absent", "Never");
        await cluster.ApplyDeploymentAsync("always", $"{images.Repository}:latest", pullPolicy: null);
        await cluster.ApplyDeploymentAsync("ifnotpresent", $"{images.Repository}:absent", "IfNotPresent");

        string? Reason(string app) => cluster.LivePods(app).SingleOrDefault()?["status"]?["containerStatuses"]?[0]?["state"]?["waiting"]?["reason"]?.GetValue<string>();
        await cluster.Sim.WaitUntilAsync(_ => Reason("never") == "ErrImageNeverPull" && Reason("always") == "ImagePullBackOff" && Reason("ifnotpresent") == "ImagePullBackOff",
            TimeSpan.FromSeconds(10), "the three pods report their image problems");

        Assert.Equal("Always", cluster.Sim.GetDeployment("default", "always")!["spec"]!["template"]!["spec"]!["containers"]![0]!["imagePullPolicy"]!.GetValue<string>());
        var pods = await cluster.KubectlOkAsync("get", "pods");
        Assert.Matches(@"never-\w+-\w+\s+0/1\s+ErrImageNeverPull", pods);
        Assert.Matches(@"always-\w+-\w+\s+0/1\s+ImagePullBackOff", pods);

        var never = cluster.LivePods("never").Single()["metadata"]!["name"]!.GetValue<string>();
        var events = await cluster.KubectlOkAsync("get", "events", "--field-selector", $"involvedObject.name={never},involvedObject.kind=Pod");
        Assert.Contains($"Container image \"{images.Repository}:absent\" is not present with pull policy of Never", events);
        var logs = await cluster.KubectlAsync("logs", never);
        Assert.Contains($"container \"never\" in pod \"{never}\" is waiting to start: ErrImageNeverPull", logs.StandardError);

        var always = cluster.LivePods("always").Single()["metadata"]!["name"]!.GetValue<string>();
        var pulls = await cluster.KubectlOkAsync("get", "events", "--field-selector", $"involvedObject.name={always},reason=Failed");
        Assert.Contains($"Failed to pull image \"{images.Repository}:latest\"", pulls);
        Assert.Contains("Error: ImagePullBackOff", pulls);
    }

    [SkippableFact]
    public async Task An_image_that_never_starts_keeps_its_pod_in_container_creating()
    {
        await using var images = TestImages.Create("stuck");
        await using var cluster = await TestCluster.StartAsync();
        await images.BuildAsync("v1", "stuck", start: "never");
        Assert.Equal(0, (await cluster.MinikubeAsync("image", "load", "--daemon", $"{images.Repository}:v1")).ExitCode);
        await cluster.ApplyDeploymentAsync("stuck", $"{images.Repository}:v1");

        var status = await cluster.KubectlAsync("rollout", "status", "deployment/stuck", "--timeout=3s", "--request-timeout=5s");
        Assert.Equal(1, status.ExitCode);
        Assert.Contains("error: timed out waiting for the condition", status.StandardError);

        var pod = cluster.LivePods("stuck").Single();
        var name = pod["metadata"]!["name"]!.GetValue<string>();
        Assert.Equal("ContainerCreating", TestCluster.ContainerField(pod, "state", "waiting", "reason"));
        Assert.Equal("Pending", pod["status"]!["phase"]!.GetValue<string>());
        Assert.Matches(@"stuck-\w+-\w+\s+0/1\s+ContainerCreating\s+0\s+", await cluster.KubectlOkAsync("get", "pods"));
        var events = cluster.Sim.GetEvents("default").Where(e => e["involvedObject"]!["name"]!.GetValue<string>() == name).Select(e => e["reason"]!.GetValue<string>()).ToList();
        Assert.Contains("Pulled", events);
        Assert.DoesNotContain("Created", events);
        var logs = await cluster.KubectlAsync("logs", name);
        Assert.Contains($"container \"stuck\" in pod \"{name}\" is waiting to start: ContainerCreating", logs.StandardError);
    }
}
