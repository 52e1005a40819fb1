using Xunit;

namespace ClusterSim.Tests;

/// <summary>
/// minikube#23023: `minikube image load` over a tag that a container on the node uses does not replace it, yet
/// exits 0; `rollout restart` then runs the old image again. A new tag per build avoids it.
/// </summary>
public sealed class NoOverwriteTrapTests
{
    [SkippableFact]
    public async Task Reloading_a_tag_in_use_silently_keeps_the_old_image()
    {
        await using var images = TestImages.Create("trap");
        await using var cluster = await TestCluster.StartAsync();
        var image = $"{images.Repository}:latest";
        var oldId = await images.BuildAsync("latest", "build one");
        Assert.Equal(0, (await cluster.MinikubeAsync("image", "load", "--daemon", image)).ExitCode);
        await cluster.ApplyDeploymentAsync("app", image, "IfNotPresent");
        await cluster.KubectlOkAsync("rollout", "status", "deployment/app", "--timeout=30s");

        var newId = await images.BuildAsync("latest", "build two");
        Assert.NotEqual(oldId, newId);
        var load = await cluster.MinikubeAsync("-p", "minikube", "image", "load", "--daemon", image, "--alsologtostderr");
        Assert.Equal(0, load.ExitCode);
        Assert.Contains("unable to remove repository reference", load.StandardError);
        Assert.Equal(oldId, cluster.Sim.NodeImageId(image));

        await cluster.KubectlOkAsync("rollout", "restart", "deployment/app");
        await cluster.KubectlOkAsync("rollout", "status", "deployment/app", "--timeout=30s");
        var pod = Assert.Single(cluster.LivePods("app"));
        Assert.Equal("docker://" + oldId, TestCluster.ContainerField(pod, "imageID"));
        Assert.Equal(2, cluster.Sim.GetActivity("default", "app").Rollouts);
    }

    [SkippableFact]
    public async Task A_unique_tag_per_build_is_loaded_and_run()
    {
        await using var images = TestImages.Create("unique");
        await using var cluster = await TestCluster.StartAsync();
        await images.BuildAsync("build-1", "build one");
        Assert.Equal(0, (await cluster.MinikubeAsync("image", "load", "--daemon", $"{images.Repository}:build-1")).ExitCode);
        await cluster.ApplyDeploymentAsync("app", $"{images.Repository}:build-1");
        await cluster.KubectlOkAsync("rollout", "status", "deployment/app", "--timeout=30s");

        var newId = await images.BuildAsync("build-2", "build two");
        Assert.Equal(0, (await cluster.MinikubeAsync("image", "load", "--daemon", $"{images.Repository}:build-2")).ExitCode);
        await cluster.KubectlOkAsync("set", "image", "deployment/app", $"app={images.Repository}:build-2");
        await cluster.KubectlOkAsync("rollout", "status", "deployment/app", "--timeout=30s");
        Assert.Equal("docker://" + newId, TestCluster.ContainerField(Assert.Single(cluster.LivePods("app")), "imageID"));
    }
}
