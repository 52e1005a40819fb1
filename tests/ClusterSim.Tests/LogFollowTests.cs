using System.Text.Json.Nodes;
using Xunit;

namespace ClusterSim.Tests;

/// <summary>
/// The pod log endpoint as the real kubectl follows it (logs -f, with a selector and --prefix, --tail, --since,
/// --timestamps, --previous, --limit-bytes), and a pod watch as kubectl prints it.
/// </summary>
public sealed class LogFollowTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    [SkippableFact]
    public async Task Logs_follow_prints_the_lines_so_far_then_new_ones_and_ends_when_the_pod_is_deleted()
    {
        await using var images = TestImages.Create("follow");
        await using var cluster = await TestCluster.StartAsync();
        await BuildTickerAsync(images, cluster, "starting bot v2\nheartbeat", every: 150);
        await cluster.ApplyDeploymentAsync("ticker", $"{images.Repository}:v1");
        await cluster.KubectlOkAsync("rollout", "status", "deployment/ticker", "--timeout=20s");
        var pod = PodName(cluster, "ticker");

        await using var follow = cluster.KubectlInBackground("logs", "-f", pod, "--request-timeout=0");
        await follow.WaitForAsync(o => o.Contains("heartbeat 4\n", StringComparison.Ordinal), Wait, "four heartbeats");
        Assert.False(follow.HasExited);
        Assert.Equal(["starting bot v2", "heartbeat", "heartbeat 1", "heartbeat 2", "heartbeat 3", "heartbeat 4"], follow.Lines.Take(6));

        await cluster.KubectlOkAsync("delete", "pod", pod, "--wait=false");
        Assert.Equal(0, await follow.WaitForExitAsync(Wait));
        var lines = follow.Lines;
        Assert.Equal(lines.Count - 2, int.Parse(lines[^1]["heartbeat ".Length..], System.Globalization.CultureInfo.InvariantCulture));
    }

    [SkippableFact]
    public async Task Logs_follow_of_a_selector_prefixes_each_pod_and_ends_when_all_are_gone()
    {
        await using var images = TestImages.Create("prefix");
        await using var cluster = await TestCluster.StartAsync();
        await BuildTickerAsync(images, cluster, "up", every: 200);
        await cluster.ApplyDeploymentAsync("ticker", $"{images.Repository}:v1");
        await cluster.KubectlOkAsync("scale", "deployment/ticker", "--replicas=2");
        await cluster.KubectlOkAsync("rollout", "status", "deployment/ticker", "--timeout=20s");
        var pods = cluster.LivePods("ticker").Select(p => p["metadata"]!["name"]!.GetValue<string>()).ToList();
        Assert.Equal(2, pods.Count);

        await using var follow = cluster.KubectlInBackground("logs", "-f", "-l", "app=ticker", "--prefix", "--request-timeout=0");
        await follow.WaitForAsync(o => pods.All(p => o.Contains($"[pod/{p}/ticker] up 2\n", StringComparison.Ordinal)), Wait, "both pods' lines, prefixed");
        Assert.All(follow.Lines, line => Assert.Matches(@"^\[pod/ticker-\w+-\w+/ticker\] up( \d+)?$", line));

        await cluster.KubectlOkAsync("scale", "deployment/ticker", "--replicas=0");
        Assert.Equal(0, await follow.WaitForExitAsync(Wait));
    }

    [SkippableFact]
    public async Task A_restarted_container_is_a_new_log_and_previous_is_the_run_before()
    {
        await using var images = TestImages.Create("newrun");
        await using var cluster = await TestCluster.StartAsync(o => o with { KubeletBackOff = TimeSpan.FromMilliseconds(200) });
        await images.BuildAsync("v1", "once", exitCode: 1, log: "booting\nbeat", labels: new Dictionary<string, string> { ["fail-starts"] = "1", ["log-every-ms"] = "100" });
        Assert.Equal(0, (await cluster.MinikubeAsync("image", "load", "--daemon", $"{images.Repository}:v1")).ExitCode);
        await cluster.ApplyDeploymentAsync("once", $"{images.Repository}:v1");
        await cluster.KubectlOkAsync("rollout", "status", "deployment/once", "--timeout=20s");
        var pod = PodName(cluster, "once");

        Assert.Equal("booting\nbeat\n", await cluster.KubectlOkAsync("logs", pod, "--previous"));
        var previous = await cluster.KubectlAsync(TimeSpan.FromSeconds(10), "logs", "-f", pod, "--previous");
        Assert.Equal(0, previous.ExitCode);
        Assert.Equal("booting\nbeat\n", previous.StandardOutput);

        await using var follow = cluster.KubectlInBackground("logs", "-f", pod);
        await follow.WaitForAsync(o => o.Contains("beat 2\n", StringComparison.Ordinal), Wait, "the new run's lines");
        Assert.Equal(["booting", "beat", "beat 1", "beat 2"], follow.Lines.Take(4));
    }

    [SkippableFact]
    public async Task Tail_since_timestamps_and_limit_bytes_shape_the_log_as_the_kubelet_does()
    {
        await using var images = TestImages.Create("options");
        await using var cluster = await TestCluster.StartAsync();
        await BuildTickerAsync(images, cluster, "started", every: 100);
        await cluster.ApplyDeploymentAsync("ticker", $"{images.Repository}:v1");
        await cluster.KubectlOkAsync("rollout", "status", "deployment/ticker", "--timeout=20s");
        var pod = PodName(cluster, "ticker");
        await Task.Delay(2500);

        var tail = (await cluster.KubectlOkAsync("logs", pod, "--tail=2", "--timestamps")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, tail.Length);
        Assert.All(tail, line => Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z started \d+$", line));

        var recent = (await cluster.KubectlOkAsync("logs", pod, "--since=1s")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.InRange(recent.Length, 3, 13);
        Assert.DoesNotContain("started", recent);

        var sinceTime = DateTimeOffset.UtcNow.AddSeconds(-1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        Assert.DoesNotContain("started\n", await cluster.KubectlOkAsync("logs", pod, $"--since-time={sinceTime}"));
        Assert.Equal("start\n", await cluster.KubectlOkAsync("logs", pod, "--limit-bytes=5"));

        await using var follow = cluster.KubectlInBackground("logs", "-f", pod, "--tail=1");
        await follow.WaitForAsync(o => o.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length >= 3, Wait, "the last line and two new ones");
        var numbers = follow.Lines.Select(l => int.Parse(l["started ".Length..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.True(numbers[0] >= 20, string.Join(",", numbers));
        Assert.Equal(Enumerable.Range(numbers[0], numbers.Count), numbers);
    }

    [SkippableFact]
    public async Task A_pod_watch_with_a_selector_reports_container_state_changes_promptly()
    {
        await using var images = TestImages.Create("watch");
        await using var cluster = await TestCluster.StartAsync(o => o with { KubeletBackOff = TimeSpan.FromMilliseconds(300) });
        await images.BuildAsync("v1", "flaky", exitCode: 1, labels: new Dictionary<string, string> { ["fail-starts"] = "1" });
        Assert.Equal(0, (await cluster.MinikubeAsync("image", "load", "--daemon", $"{images.Repository}:v1")).ExitCode);
        await using var watch = cluster.KubectlInBackground("get", "pods", "--watch", "-o", "json", "--output-watch-events", "-l", "app=flaky", "--request-timeout=0");
        await Task.Delay(1000);
        await cluster.ApplyDeploymentAsync("flaky", $"{images.Repository}:v1");

        await cluster.Sim.WaitUntilAsync(_ => cluster.LivePods("flaky").SingleOrDefault() is { } p && TestCluster.ContainerField(p, "ready") == "True",
            Wait, "the pod is ready");
        var readyAt = DateTime.UtcNow;
        await watch.WaitForAsync(o => Events(o).Any(e => Container(e)?["ready"]?.GetValue<bool>() == true), TimeSpan.FromSeconds(3), "the ready pod in the watch");
        Assert.True(DateTime.UtcNow - readyAt < TimeSpan.FromSeconds(3));

        var seen = Events(watch.Output).ToList();
        Assert.Equal("ADDED", seen[0]["type"]!.GetValue<string>());
        Assert.All(seen.Skip(1), e => Assert.Equal("MODIFIED", e["type"]!.GetValue<string>()));
        var states = seen.Select(e => Container(e)?["state"]?.AsObject().First().Key + ":" + (Container(e)?["state"]?["waiting"]?["reason"] ?? Container(e)?["state"]?["terminated"]?["reason"])).ToList();
        Assert.Contains("waiting:ContainerCreating", states);
        Assert.Contains("terminated:Error", states);
        Assert.Contains("running:", states);
        Assert.Equal(1, Container(seen[^1])!["restartCount"]!.GetValue<long>());
    }

    private static async Task BuildTickerAsync(TestImages images, TestCluster cluster, string log, int every)
    {
        await images.BuildAsync("v1", log, log: log, labels: new Dictionary<string, string> { ["log-every-ms"] = every.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var load = await cluster.MinikubeAsync("image", "load", "--daemon", $"{images.Repository}:v1");
        Assert.True(load.ExitCode == 0, load.ToString());
    }

    private static string PodName(TestCluster cluster, string app) => Assert.Single(cluster.LivePods(app))["metadata"]!["name"]!.GetValue<string>();

    private static JsonNode? Container(JsonObject watchEvent) => watchEvent["object"]?["status"]?["containerStatuses"]?[0];

    /// <summary>The watch events kubectl printed, one JSON object per line.</summary>
    private static IEnumerable<JsonObject> Events(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => (JsonObject)JsonNode.Parse(line)!);
}
