using System.Text.Json.Nodes;
using Xunit;

namespace ClusterSim.Tests;

/// <summary>
/// A profile on the containerd runtime: the profile config says so, `minikube image load` and `image ls` keep
/// working (crictl's listing: IDs with "sha256:"), and pods report containerd's image and container IDs.
/// </summary>
public sealed class ContainerRuntimeTests
{
    [SkippableFact]
    public async Task A_containerd_profile_loads_lists_and_runs_images_the_containerd_way()
    {
        await using var images = TestImages.Create("containerd");
        await using var cluster = await TestCluster.StartAsync(o => o with { ContainerRuntime = "containerd" });
        var id = await images.BuildAsync("v1", "payload");

        var profile = JsonNode.Parse((await cluster.MinikubeAsync("profile", "list", "-o", "json")).StandardOutput)!["valid"]![0]!;
        Assert.Equal("containerd", profile["Config"]!["KubernetesConfig"]!["ContainerRuntime"]!.GetValue<string>());

        Assert.Equal(0, (await cluster.MinikubeAsync("image", "load", "--daemon", $"{images.Repository}:v1")).ExitCode);
        var listed = JsonNode.Parse((await cluster.MinikubeAsync("image", "ls", "--format", "json")).StandardOutput)!.AsArray();
        var ours = Assert.Single(listed, i => i!["repoTags"]!.AsArray().Any(t => t!.GetValue<string>() == $"docker.io/library/{images.Repository}:v1"))!;
        Assert.Equal(id, ours["id"]!.GetValue<string>());

        await cluster.ApplyDeploymentAsync("app", $"{images.Repository}:v1");
        await cluster.KubectlOkAsync("rollout", "status", "deployment/app", "--timeout=30s");
        var pod = Assert.Single(cluster.LivePods("app"));
        Assert.Equal(id, TestCluster.ContainerField(pod, "imageID"));
        Assert.Equal($"docker.io/library/{images.Repository}:v1", TestCluster.ContainerField(pod, "image"));
        Assert.StartsWith("containerd://", TestCluster.ContainerField(pod, "containerID"));
    }

    [SkippableFact]
    public async Task On_the_docker_runtime_image_ls_lists_an_image_once_per_tag()
    {
        await using var images = TestImages.Create("two-tags");
        await using var cluster = await TestCluster.StartAsync();
        var id = await images.BuildAsync("v1", "payload");
        await TestSupport.ProcessRunner.RunAsync("docker", ["tag", $"{images.Repository}:v1", $"{images.Repository}:v2"]);
        using var archive = new TestSupport.TempDirectory("two-tags");
        var tar = archive.Combine("both.tar");
        Assert.Equal(0, (await TestSupport.ProcessRunner.RunAsync("docker", ["save", "-o", tar, $"{images.Repository}:v1", $"{images.Repository}:v2"])).ExitCode);

        Assert.Equal(0, (await cluster.MinikubeAsync("image", "load", tar)).ExitCode);

        var listed = JsonNode.Parse((await cluster.MinikubeAsync("image", "ls", "--format", "json")).StandardOutput)!.AsArray()
            .Where(i => i!["id"]!.GetValue<string>() == id["sha256:".Length..]).ToList();
        Assert.Equal([$"docker.io/library/{images.Repository}:v1", $"docker.io/library/{images.Repository}:v2"],
            listed.Select(i => Assert.Single(i!["repoTags"]!.AsArray())!.GetValue<string>()).Order());
    }
}
