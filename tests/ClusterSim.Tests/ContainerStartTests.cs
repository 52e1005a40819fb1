using System.Diagnostics;
using System.Text.Json.Nodes;
using Xunit;

namespace ClusterSim.Tests;

/// <summary>
/// How the kubelet starts containers that do not simply run: a crash that resolves itself, a slow start, a missing
/// Secret or ConfigMap, an image name it cannot parse; and the shape of its back-off. Driven by the real kubectl.
/// </summary>
public sealed class ContainerStartTests
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(15);

    [SkippableFact]
    public async Task A_container_that_fails_twice_and_then_runs_ends_ready_with_two_restarts()
    {
        await using var images = TestImages.Create("failstarts");
        await using var cluster = await TestCluster.StartAsync(o => o with { KubeletBackOff = TimeSpan.FromMilliseconds(300) });
        await images.BuildAsync("v1", "flaky", exitCode: 1, log: "connecting to the exchange", labels: new Dictionary<string, string> { ["fail-starts"] = "2" });
        await LoadAsync(cluster, $"{images.Repository}:v1");
        await cluster.ApplyDeploymentAsync("flaky", $"{images.Repository}:v1");

        await cluster.Sim.WaitUntilAsync(_ => Waiting(cluster, "flaky") == "CrashLoopBackOff", Settle, "the second crash is in CrashLoopBackOff");
        var rollout = await cluster.KubectlAsync("rollout", "status", "deployment/flaky", "--timeout=20s", "--request-timeout=5s");
        Assert.True(rollout.ExitCode == 0, rollout.ToString());

        var pod = Assert.Single(cluster.LivePods("flaky"));
        Assert.Equal("2", TestCluster.ContainerField(pod, "restartCount"));
        Assert.Equal("true", TestCluster.ContainerField(pod, "ready")?.ToLowerInvariant());
        Assert.NotNull(TestCluster.ContainerField(pod, "state", "running", "startedAt"));
        Assert.Equal("1", TestCluster.ContainerField(pod, "lastState", "terminated", "exitCode"));
        Assert.Equal("Error", TestCluster.ContainerField(pod, "lastState", "terminated", "reason"));
        Assert.NotNull(TestCluster.ContainerField(pod, "lastState", "terminated", "finishedAt"));
        var name = pod["metadata"]!["name"]!.GetValue<string>();
        Assert.Matches(@"1/1\s+Running\s+2 \(\d+s ago\)", await cluster.KubectlOkAsync("get", "pod", name));
        Assert.Equal("connecting to the exchange\n", await cluster.KubectlOkAsync("logs", name, "--previous"));
    }

    [SkippableFact]
    public async Task The_restart_back_off_starts_at_once_then_doubles_from_the_kubelet_back_off_period()
    {
        await using var images = TestImages.Create("backoff");
        await using var cluster = await TestCluster.StartAsync(o => o with { KubeletBackOff = TimeSpan.FromMilliseconds(150) });
        await images.BuildAsync("v1", "crash", exitCode: 2);
        await LoadAsync(cluster, $"{images.Repository}:v1");
        await cluster.ApplyDeploymentAsync("crasher", $"{images.Repository}:v1");

        var seen = new List<(string Restarts, string? Message)>();
        await cluster.Sim.WaitUntilAsync(_ =>
        {
            if (cluster.LivePods("crasher").SingleOrDefault() is { } pod)
            {
                var observation = (TestCluster.ContainerField(pod, "restartCount") ?? "0", TestCluster.ContainerField(pod, "state", "waiting", "message"));
                if (seen.Count == 0 || seen[^1] != observation)
                {
                    seen.Add(observation);
                }
            }

            return seen.Any(s => s.Message?.StartsWith("back-off 600ms", StringComparison.Ordinal) == true);
        }, Settle, "the back-off reached 600ms");

        var backOffs = seen.Where(s => s.Message?.StartsWith("back-off", StringComparison.Ordinal) == true).ToList();
        Assert.Equal(["back-off 150ms", "back-off 300ms", "back-off 600ms"], backOffs.Select(s => s.Message![..s.Message!.IndexOf(" restarting", StringComparison.Ordinal)]));
        Assert.Equal("1", backOffs[0].Restarts);
        Assert.Matches(@"^back-off 150ms restarting failed container=crasher pod=crasher-\w+-\w+_default\([0-9a-f-]+\)$", backOffs[0].Message);
    }

    [SkippableFact]
    public async Task A_slow_start_label_keeps_the_pod_creating_for_its_delay_and_the_rollout_goes_on_without_a_watcher()
    {
        await using var images = TestImages.Create("slow");
        await using var cluster = await TestCluster.StartAsync();
        await images.BuildAsync("v1", "slow", labels: new Dictionary<string, string> { ["start-delay-ms"] = "4000" });
        await LoadAsync(cluster, $"{images.Repository}:v1");
        var clock = Stopwatch.StartNew();
        await cluster.ApplyDeploymentAsync("slow", $"{images.Repository}:v1");

        var early = await cluster.KubectlAsync("rollout", "status", "deployment/slow", "--timeout=1s", "--request-timeout=5s");
        Assert.Equal(1, early.ExitCode);
        Assert.Contains("error: timed out waiting for the condition", early.StandardError);
        var pod = Assert.Single(cluster.LivePods("slow"));
        Assert.Equal("ContainerCreating", TestCluster.ContainerField(pod, "state", "waiting", "reason"));
        Assert.Equal("Pending", pod["status"]!["phase"]!.GetValue<string>());

        var late = await cluster.KubectlAsync("rollout", "status", "deployment/slow", "--timeout=20s", "--request-timeout=5s");
        Assert.True(late.ExitCode == 0, late.ToString());
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(3900), $"ready after {clock.Elapsed}");
        Assert.Equal("0", TestCluster.ContainerField(Assert.Single(cluster.LivePods("slow")), "restartCount"));
    }

    [SkippableFact]
    public async Task A_missing_secret_or_key_is_a_create_container_config_error_until_it_is_created()
    {
        await using var images = TestImages.Create("secretref");
        await using var cluster = await TestCluster.StartAsync(o => o with { KubeletBackOff = TimeSpan.FromMilliseconds(300) });
        await images.BuildAsync("v1", "bot");
        await LoadAsync(cluster, $"{images.Repository}:v1");
        await cluster.KubectlOkAsync("apply", "-f", cluster.Manifest("bot.yaml", WithContainerFields("bot", $"{images.Repository}:v1", """
                    env:
                    - name: API_KEY
                      valueFrom:
                        secretKeyRef:
                          name: bot-env
                          key: API_KEY
                    - name: TRACE
                      valueFrom:
                        secretKeyRef:
                          name: bot-trace
                          key: level
                          optional: true
            """)));

        await cluster.Sim.WaitUntilAsync(_ => Waiting(cluster, "bot") == "CreateContainerConfigError", Settle, "the pod waits for its secret");
        var pod = Assert.Single(cluster.LivePods("bot"));
        var name = pod["metadata"]!["name"]!.GetValue<string>();
        Assert.Equal("secret \"bot-env\" not found", TestCluster.ContainerField(pod, "state", "waiting", "message"));
        Assert.Matches(@"0/1\s+CreateContainerConfigError\s+0\s", await cluster.KubectlOkAsync("get", "pod", name));
        var events = await cluster.KubectlOkAsync("get", "events", "--field-selector", $"involvedObject.name={name},reason=Failed");
        Assert.Contains("Error: secret \"bot-env\" not found", events);
        var logs = await cluster.KubectlAsync("logs", name);
        Assert.Contains($"container \"bot\" in pod \"{name}\" is waiting to start: CreateContainerConfigError", logs.StandardError);

        await cluster.KubectlOkAsync("create", "secret", "generic", "bot-env", "--from-literal=OTHER=1");
        await cluster.Sim.WaitUntilAsync(_ => WaitingMessage(cluster, "bot") == "couldn't find key API_KEY in Secret default/bot-env", Settle, "the kubelet retried and names the key");

        await cluster.KubectlOkAsync("delete", "secret", "bot-env");
        await cluster.KubectlOkAsync("create", "secret", "generic", "bot-env", "--from-literal=API_KEY=s3cret");
        var rollout = await cluster.KubectlAsync("rollout", "status", "deployment/bot", "--timeout=20s", "--request-timeout=5s");
        Assert.True(rollout.ExitCode == 0, rollout.ToString());
        Assert.Equal("0", TestCluster.ContainerField(Assert.Single(cluster.LivePods("bot")), "restartCount"));
    }

    [SkippableFact]
    public async Task A_missing_config_map_blocks_the_container_and_kubectl_serves_config_maps()
    {
        await using var images = TestImages.Create("configref");
        await using var cluster = await TestCluster.StartAsync(o => o with { KubeletBackOff = TimeSpan.FromMilliseconds(300) });
        await images.BuildAsync("v1", "web");
        await LoadAsync(cluster, $"{images.Repository}:v1");
        await cluster.KubectlOkAsync("apply", "-f", cluster.Manifest("web.yaml", WithContainerFields("web", $"{images.Repository}:v1", """
                    envFrom:
                    - configMapRef:
                        name: web-config
                    - secretRef:
                        name: web-extra
                        optional: true
            """)));

        await cluster.Sim.WaitUntilAsync(_ => WaitingMessage(cluster, "web") == "configmap \"web-config\" not found", Settle, "the pod waits for its config map");
        Assert.Contains("No resources found in default namespace.", (await cluster.KubectlAsync("get", "configmaps")).StandardError);

        Assert.Contains("configmap/web-config created", await cluster.KubectlOkAsync("create", "configmap", "web-config", "--from-literal=MODE=prod", "--from-literal=PORT=80"));
        Assert.Matches(@"NAME\s+DATA\s+AGE\s+web-config\s+2\s+\d+s", await cluster.KubectlOkAsync("get", "cm"));
        var configMap = await cluster.KubectlJsonAsync("get", "configmap", "web-config");
        Assert.Equal("prod", configMap["data"]!["MODE"]!.GetValue<string>());
        Assert.Matches(@"configmaps\s+cm\s+v1\s+true\s+ConfigMap", await cluster.KubectlOkAsync("api-resources", "--no-headers"));

        var rollout = await cluster.KubectlAsync("rollout", "status", "deployment/web", "--timeout=20s", "--request-timeout=5s");
        Assert.True(rollout.ExitCode == 0, rollout.ToString());
        Assert.Contains("configmap \"web-config\" deleted", await cluster.KubectlOkAsync("delete", "configmap", "web-config"));
    }

    [SkippableFact]
    public async Task An_image_name_the_kubelet_cannot_parse_is_invalid_image_name_with_its_message()
    {
        await using var cluster = await TestCluster.StartAsync(o => o with { KubeletBackOff = TimeSpan.FromMilliseconds(300) });
        await cluster.ApplyDeploymentAsync("upper", "coinpilot/Bot:v1");

        await cluster.Sim.WaitUntilAsync(_ => Waiting(cluster, "upper") == "InvalidImageName", Settle, "the image name is refused");
        var pod = Assert.Single(cluster.LivePods("upper"));
        var name = pod["metadata"]!["name"]!.GetValue<string>();
        Assert.Equal(
            "Failed to apply default image tag \"coinpilot/Bot:v1\": couldn't parse image name \"coinpilot/Bot:v1\": invalid reference format: repository name (coinpilot/Bot) must be lowercase",
            TestCluster.ContainerField(pod, "state", "waiting", "message"));
        Assert.Matches(@"0/1\s+InvalidImageName\s+0\s", await cluster.KubectlOkAsync("get", "pod", name));
        var events = await cluster.KubectlOkAsync("get", "events", "--field-selector", $"involvedObject.name={name},type=Warning");
        Assert.Matches(@"InspectFailed\s+pod/\S+\s+Failed to apply default image tag", events);
        Assert.Contains("Error: InvalidImageName", events);
    }

    private static async Task LoadAsync(TestCluster cluster, string image)
    {
        var load = await cluster.MinikubeAsync("image", "load", "--daemon", image);
        Assert.True(load.ExitCode == 0, load.ToString());
    }

    private static string? Waiting(TestCluster cluster, string app) =>
        cluster.LivePods(app).SingleOrDefault() is { } pod ? TestCluster.ContainerField(pod, "state", "waiting", "reason") : null;

    private static string? WaitingMessage(TestCluster cluster, string app) =>
        cluster.LivePods(app).SingleOrDefault() is { } pod ? TestCluster.ContainerField(pod, "state", "waiting", "message") : null;

    /// <summary>A one-container Deployment whose container gets <paramref name="fields"/> (YAML indented as the container's fields are, 8 spaces) instead of the plain env.</summary>
    internal static string WithContainerFields(string name, string image, string fields)
    {
        var plain = TestCluster.Deployment(name, image, "IfNotPresent");
        var at = plain.IndexOf("        env:", StringComparison.Ordinal);
        return plain[..at] + fields + "\n";
    }
}
