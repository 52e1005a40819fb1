using Xunit;

namespace ClusterSim.Tests;

/// <summary>The node's capacity as kubectl reads it, and pods whose requests do not fit it.</summary>
public sealed class SchedulingTests
{
    private const string NoRoomForCpu =
        "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.";

    [SkippableFact]
    public async Task The_node_reports_a_minikube_profiles_capacity_as_allocatable()
    {
        await using var cluster = await TestCluster.StartAsync();

        var node = await cluster.KubectlJsonAsync("get", "node", "minikube");
        foreach (var field in new[] { "capacity", "allocatable" })
        {
            var resources = node["status"]![field]!;
            Assert.Equal("2", resources["cpu"]!.GetValue<string>());
            Assert.Equal("3993600Ki", resources["memory"]!.GetValue<string>());
            Assert.Equal("20480000Ki", resources["ephemeral-storage"]!.GetValue<string>());
            Assert.Equal("110", resources["pods"]!.GetValue<string>());
        }
    }

    [SkippableFact]
    public async Task A_pod_that_requests_more_than_is_free_stays_pending_with_the_schedulers_words_until_room_is_made()
    {
        await using var cluster = await TestCluster.StartAsync();
        await cluster.KubectlOkAsync("apply", "-f", cluster.Manifest("big.yaml", Requesting("big", cpu: "1")));
        await cluster.Sim.WaitUntilAsync(_ => Scheduled(cluster, "big") == "True", TimeSpan.FromSeconds(10), "the first pod is bound");
        Assert.Equal("Burstable", Assert.Single(cluster.LivePods("big"))["status"]!["qosClass"]!.GetValue<string>());

        await cluster.KubectlOkAsync("apply", "-f", cluster.Manifest("second.yaml", Requesting("second", cpu: "1")));
        await cluster.Sim.WaitUntilAsync(_ => Scheduled(cluster, "second") == "False", TimeSpan.FromSeconds(10), "the second pod is unschedulable");
        var pod = Assert.Single(cluster.LivePods("second"));
        var condition = pod["status"]!["conditions"]!.AsArray().Single(c => c!["type"]!.GetValue<string>() == "PodScheduled")!;
        Assert.Equal("Unschedulable", condition["reason"]!.GetValue<string>());
        Assert.Equal(NoRoomForCpu, condition["message"]!.GetValue<string>());
        Assert.Null(pod["spec"]!["nodeName"]);
        var name = pod["metadata"]!["name"]!.GetValue<string>();
        Assert.Matches(@"0/1\s+Pending\s+0\s", await cluster.KubectlOkAsync("get", "pod", name));
        var events = await cluster.KubectlOkAsync("get", "events", "--field-selector", $"involvedObject.name={name},reason=FailedScheduling", "-o", "wide");
        Assert.Contains(NoRoomForCpu, events);
        Assert.Matches(@"Warning\s+FailedScheduling\s+pod/\S+\s+default-scheduler", events);

        await cluster.KubectlOkAsync("delete", "deployment", "big");
        await cluster.Sim.WaitUntilAsync(_ => Scheduled(cluster, "second") == "True", TimeSpan.FromSeconds(10), "the freed cpu lets the second pod be bound");
        Assert.Equal("minikube", Assert.Single(cluster.LivePods("second"))["spec"]!["nodeName"]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task Requests_larger_than_the_node_name_every_missing_resource()
    {
        await using var cluster = await TestCluster.StartAsync();
        await cluster.KubectlOkAsync("apply", "-f", cluster.Manifest("huge.yaml", Requesting("huge", cpu: "64", memory: "64Gi")));

        await cluster.Sim.WaitUntilAsync(_ => Scheduled(cluster, "huge") == "False", TimeSpan.FromSeconds(10), "the pod is unschedulable");
        var message = cluster.LivePods("huge").Single()["status"]!["conditions"]!.AsArray().Single()!["message"]!.GetValue<string>();
        Assert.Equal("0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.", message);
        await Task.Delay(500);
        var failed = cluster.Sim.GetEvents("default").Where(e => e["reason"]!.GetValue<string>() == "FailedScheduling").ToList();
        Assert.Equal(1, Assert.Single(failed)["count"]!.GetValue<long>());
    }

    private static string? Scheduled(TestCluster cluster, string app) =>
        cluster.LivePods(app).SingleOrDefault()?["status"]?["conditions"]?.AsArray()
            .FirstOrDefault(c => c?["type"]?.GetValue<string>() == "PodScheduled")?["status"]?.GetValue<string>();

    private static string Requesting(string name, string cpu, string? memory = null) =>
        ContainerStartTests.WithContainerFields(name, $"{name}:1", $"""
                    resources:
                      requests:
                        cpu: "{cpu}"
            {(memory is null ? "" : $"            memory: \"{memory}\"\n")}
            """);
}
