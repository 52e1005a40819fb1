using Xunit;

namespace ClusterSim.Tests;

/// <summary>`minikube image rm` as v1.38.1 runs it in the node: on the in-process runtime, the real node dockerd, and containerd.</summary>
public sealed class ImageRemoveTests
{
    [SkippableFact]
    public async Task Image_rm_removes_unused_images_and_warns_but_exits_0_for_one_in_use_or_missing()
    {
        await using var images = TestImages.Create("rm");
        await using var cluster = await TestCluster.StartAsync();
        await AssertRemovesAsync(cluster, images, inUseMessage: @"Error response from daemon: conflict: unable to remove repository reference ""IMAGE"" \(must force\) - container [0-9a-f]{12} is using its referenced image [0-9a-f]{12}");

        var none = await cluster.MinikubeAsync("image", "rm");
        Assert.Equal(14, none.ExitCode);
        Assert.Contains("Error: requires at least 1 arg(s), only received 0", none.StandardError);
        var other = await cluster.MinikubeAsync("-p", "other", "image", "rm", "app:v1");
        Assert.Equal(14, other.ExitCode);
        Assert.Contains("X Exiting due to MK_USAGE: loading profile: cluster \"other\" does not exist", other.StandardError);

        await cluster.Sim.SetProfileStateAsync(ProfileState.Stopped);
        var stopped = await cluster.MinikubeAsync("image", "rm", $"{images.Repository}:v1");
        Assert.Equal(0, stopped.ExitCode);
        Assert.Equal("", stopped.StandardError);
        Assert.True(cluster.Sim.NodeImages.ContainsKey($"docker.io/library/{images.Repository}:v1"));
    }

    [SkippableFact]
    public async Task Image_rm_on_the_real_node_dockerd_is_refused_by_the_daemon_for_an_image_in_use()
    {
        await using var images = TestImages.Create("rmdaemon");
        await using var cluster = await TestCluster.StartAsync(o => o with { NodeRuntime = NodeRuntime.DockerDaemon });
        await AssertRemovesAsync(cluster, images, inUseMessage: @"Error response from daemon: conflict: unable to remove repository reference ""IMAGE"" \(must force\) - container [0-9a-f]{12} is using its referenced image [0-9a-f]{12}");
        var listed = await cluster.NodeDockerAsync("images", "--format", "{{.Repository}}:{{.Tag}}", images.Repository);
        Assert.Equal($"{images.Repository}:v1", listed.StandardOutput.Trim());
    }

    [SkippableFact]
    public async Task Image_rm_on_containerd_removes_an_image_in_use_and_words_a_missing_one_as_crictl()
    {
        await using var images = TestImages.Create("rmcrictl");
        await using var cluster = await TestCluster.StartAsync(o => o with { ContainerRuntime = "containerd" });
        await images.BuildAsync("v1", "one");
        Assert.Equal(0, (await cluster.MinikubeAsync("image", "load", "--daemon", $"{images.Repository}:v1")).ExitCode);
        await cluster.ApplyDeploymentAsync("app", $"{images.Repository}:v1");
        await cluster.KubectlOkAsync("rollout", "status", "deployment/app", "--timeout=20s");

        var inUse = await cluster.MinikubeAsync("image", "rm", $"{images.Repository}:v1");
        Assert.Equal(0, inUse.ExitCode);
        Assert.Equal("", inUse.StandardError);
        Assert.False(cluster.Sim.NodeImages.ContainsKey($"docker.io/library/{images.Repository}:v1"));

        var missing = await cluster.MinikubeAsync("image", "rm", "nope:v9");
        Assert.Equal(0, missing.ExitCode);
        Assert.Matches(
            @"^! Failed to remove images for profile minikube error removing images: crictl: sudo /usr/local/bin/crictl rmi nope:v9: Process exited with status 1\nstdout:\n\nstderr:\ntime=""[^""]+"" level=error msg=""no such image nope:v9""\ntime=""[^""]+"" level=fatal msg=""unable to remove the image\(s\)""\n",
            missing.StandardError);
    }

    /// <summary>v1 runs in a pod, v2 is loaded and unused: rm v2 is silent, rm v1 and rm of a missing image warn and exit 0.</summary>
    private static async Task AssertRemovesAsync(TestCluster cluster, TestImages images, string inUseMessage)
    {
        await images.BuildAsync("v1", "one");
        await images.BuildAsync("v2", "two");
        var v1 = $"{images.Repository}:v1";
        var v2 = $"{images.Repository}:v2";
        Assert.Equal(0, (await cluster.MinikubeAsync("image", "load", "--daemon", v1, v2)).ExitCode);
        await cluster.ApplyDeploymentAsync("app", v1);
        await cluster.KubectlOkAsync("rollout", "status", "deployment/app", "--timeout=20s");

        var unused = await cluster.MinikubeAsync("image", "rm", v2);
        Assert.True(unused.ExitCode == 0 && unused.Output.Length == 0, unused.ToString());
        Assert.False(cluster.Sim.NodeImages.ContainsKey($"docker.io/library/{v2}"));

        var inUse = await cluster.MinikubeAsync("image", "unload", v1);
        Assert.Equal(0, inUse.ExitCode);
        Assert.Matches(
            $@"^! Failed to remove images for profile minikube error removing images: remove image docker: docker rmi {v1}: Process exited with status 1\nstdout:\n\nstderr:\n{inUseMessage.Replace("IMAGE", v1)}\n\n$",
            inUse.StandardError);
        Assert.True(cluster.Sim.NodeImages.ContainsKey($"docker.io/library/{v1}"));

        var missing = await cluster.MinikubeAsync("image", "rm", $"{images.Repository}:nope", v2);
        Assert.Equal(0, missing.ExitCode);
        Assert.Contains($"stderr:\nError response from daemon: No such image: {images.Repository}:nope\n", missing.StandardError);
    }
}
