using System.Text.Json.Nodes;
using Xunit;

namespace ClusterSim.Tests;

/// <summary>The kubelet's stats summary through the API server's node proxy, as `kubectl get --raw` fetches it.</summary>
public sealed class NodeStatsTests
{
    private const string Summary = "/api/v1/nodes/minikube/proxy/stats/summary";

    [SkippableFact]
    public async Task The_summary_reports_the_node_disk_with_the_images_on_the_image_filesystem()
    {
        await using var images = TestImages.Create("stats");
        await using var cluster = await TestCluster.StartAsync();
        await images.BuildAsync("v1", new string('x', 300_000));

        var before = await SummaryAsync(cluster);
        var node = before["node"]!;
        Assert.Equal("minikube", node["nodeName"]!.GetValue<string>());
        var fs = node["fs"]!;
        var imageFs = node["runtime"]!["imageFs"]!;
        Assert.Equal(20_971_520_000L, Bytes(fs, "capacityBytes"));
        Assert.Equal(Bytes(fs, "capacityBytes"), Bytes(imageFs, "capacityBytes"));
        Assert.Equal(Bytes(fs, "availableBytes"), Bytes(imageFs, "availableBytes"));
        Assert.Equal(cluster.Sim.ListNodeImages().Sum(i => i.Image.Size), Bytes(imageFs, "usedBytes"));
        Assert.Equal(Bytes(fs, "capacityBytes") - Bytes(fs, "usedBytes"), Bytes(fs, "availableBytes"));
        Assert.True(Bytes(fs, "inodes") > Bytes(fs, "inodesUsed") && Bytes(fs, "inodesFree") == Bytes(fs, "inodes") - Bytes(fs, "inodesUsed"));
        Assert.NotNull(node["runtime"]!["containerFs"]);

        var ephemeral = (await cluster.KubectlJsonAsync("get", "node", "minikube"))["status"]!["capacity"]!["ephemeral-storage"]!.GetValue<string>();
        Assert.Equal(Bytes(fs, "capacityBytes"), long.Parse(ephemeral.TrimEnd('K', 'i'), System.Globalization.CultureInfo.InvariantCulture) * 1024);

        Assert.Equal(0, (await cluster.MinikubeAsync("image", "load", "--daemon", $"{images.Repository}:v1")).ExitCode);
        var size = cluster.Sim.ListNodeImages().Single(i => i.Tags.Contains($"docker.io/library/{images.Repository}:v1")).Image.Size;
        Assert.True(size >= 300_000, size.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var loaded = await SummaryAsync(cluster);
        Assert.Equal(Bytes(imageFs, "usedBytes") + size, Bytes(loaded["node"]!["runtime"]!["imageFs"]!, "usedBytes"));
        Assert.Equal(Bytes(fs, "availableBytes") - size, Bytes(loaded["node"]!["fs"]!, "availableBytes"));

        await cluster.ApplyDeploymentAsync("app", $"{images.Repository}:v1");
        await cluster.KubectlOkAsync("rollout", "status", "deployment/app", "--timeout=20s");
        var running = await SummaryAsync(cluster);
        var pod = Assert.Single(running["pods"]!.AsArray())!;
        Assert.Equal("default", pod["podRef"]!["namespace"]!.GetValue<string>());
        Assert.Equal("app", pod["containers"]![0]!["name"]!.GetValue<string>());

        var missing = await cluster.KubectlAsync("get", "--raw", "/api/v1/nodes/nope/proxy/stats/summary");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("Error from server (NotFound): nodes \"nope\" not found", missing.StandardError);
        var discovery = JsonNode.Parse(await cluster.KubectlOkAsync("get", "--raw", "/api/v1"))!;
        Assert.Contains(discovery["resources"]!.AsArray(), r => r!["name"]!.GetValue<string>() == "nodes/proxy");
    }

    private static async Task<JsonObject> SummaryAsync(TestCluster cluster) =>
        (JsonObject)JsonNode.Parse(await cluster.KubectlOkAsync("get", "--raw", Summary))!;

    private static long Bytes(JsonNode fs, string field) => fs[field]!.GetValue<long>();
}
