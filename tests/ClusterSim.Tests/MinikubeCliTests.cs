using System.Text.Json.Nodes;
using Xunit;

namespace ClusterSim.Tests;

/// <summary>The `minikube` wrapper: status, profile list, version, image load/ls, unknown commands and the call log.</summary>
public sealed class MinikubeCliTests
{
    [SkippableFact]
    public async Task Status_reports_running_stopped_and_missing_profiles_with_the_real_exit_codes()
    {
        await using var cluster = await TestCluster.StartAsync(profile: "coinpilot");

        var running = await cluster.MinikubeAsync("-p", "coinpilot", "status");
        Assert.Equal(0, running.ExitCode);
        Assert.Equal("coinpilot\ntype: Control Plane\nhost: Running\nkubelet: Running\napiserver: Running\nkubeconfig: Configured\n\n", running.StandardOutput);
        var json = await cluster.MinikubeAsync("status", "--profile=coinpilot", "-o", "json");
        Assert.Equal("{\"Name\":\"coinpilot\",\"Host\":\"Running\",\"Kubelet\":\"Running\",\"APIServer\":\"Running\",\"Kubeconfig\":\"Configured\",\"Worker\":false}", json.StandardOutput.Trim());
        Assert.Equal("Running\n", (await cluster.MinikubeAsync("-p", "coinpilot", "status", "--format", "{{.Host}}")).StandardOutput);

        await cluster.Sim.SetProfileStateAsync(ProfileState.Stopped);
        var stopped = await cluster.MinikubeAsync("-p", "coinpilot", "status");
        Assert.Equal(7, stopped.ExitCode);
        Assert.Contains("host: Stopped\nkubelet: Stopped\napiserver: Stopped\nkubeconfig: Stopped", stopped.StandardOutput);

        var missing = await cluster.MinikubeAsync("status");
        Assert.Equal(85, missing.ExitCode);
        Assert.Contains("* Profile \"minikube\" not found. Run \"minikube profile list\" to view all profiles.", missing.StandardOutput);
        Assert.Contains("To start a cluster, run: \"minikube start\"", missing.StandardOutput);

        await cluster.Sim.SetProfileStateAsync(ProfileState.Running);
        Assert.Equal(0, (await cluster.MinikubeAsync("-p", "coinpilot", "status")).ExitCode);

        var calls = cluster.Sim.MinikubeCalls;
        Assert.Equal([0, 0, 0, 7, 85, 0], calls.Select(c => c.ExitCode));
        Assert.Equal(["-p", "coinpilot", "status"], calls[0].Arguments);
    }

    [SkippableFact]
    public async Task Profile_list_and_version_print_what_the_real_one_prints()
    {
        await using var cluster = await TestCluster.StartAsync();

        var list = JsonNode.Parse((await cluster.MinikubeAsync("profile", "list", "-o", "json")).StandardOutput)!;
        Assert.Empty(list["invalid"]!.AsArray());
        var profile = Assert.Single(list["valid"]!.AsArray())!;
        Assert.Equal("minikube", profile["Name"]!.GetValue<string>());
        Assert.Equal("OK", profile["Status"]!.GetValue<string>());
        Assert.Equal("docker", profile["Config"]!["Driver"]!.GetValue<string>());
        Assert.Equal("docker", profile["Config"]!["KubernetesConfig"]!["ContainerRuntime"]!.GetValue<string>());
        Assert.Equal("v1.32.0", profile["Config"]!["KubernetesConfig"]!["KubernetesVersion"]!.GetValue<string>());
        Assert.True(profile["ActiveKubeContext"]!.GetValue<bool>());

        var table = await cluster.MinikubeAsync("profile", "list");
        Assert.Matches(@"\| minikube \| docker\s+\| docker\s+\| 192\.168\.49\.2 \| 8443 \| v1\.32\.0 \| OK", table.StandardOutput);

        Assert.Equal("v1.38.1\n", (await cluster.MinikubeAsync("version", "--short")).StandardOutput);
        Assert.StartsWith("minikube version: v1.38.1\ncommit: ", (await cluster.MinikubeAsync("version")).StandardOutput);

        var unknown = await cluster.MinikubeAsync("start", "--driver=docker");
        Assert.Equal(14, unknown.ExitCode);
        Assert.Contains("Error: unknown command \"start\" for \"minikube\"", unknown.StandardError);
        var badFlag = await cluster.MinikubeAsync("status", "--bogus");
        Assert.Equal(14, badFlag.ExitCode);
        Assert.Contains("Error: unknown flag: --bogus", badFlag.StandardError);
    }

    [SkippableFact]
    public async Task Image_load_then_image_ls_shows_the_docker_image_id_under_a_normalised_tag()
    {
        await using var images = TestImages.Create("roundtrip");
        await using var cluster = await TestCluster.StartAsync();
        var id = await images.BuildAsync("v1", "payload");

        var load = await cluster.MinikubeAsync("-p", "minikube", "image", "load", "--daemon", $"{images.Repository}:v1");
        Assert.True(load.ExitCode == 0, load.ToString());
        Assert.Equal(1, cluster.Sim.ImageLoadCount);
        Assert.Equal(id, cluster.Sim.NodeImages[$"docker.io/library/{images.Repository}:v1"]);
        Assert.True(File.Exists(Path.Combine(cluster.Sim.ClientEnvironment["MINIKUBE_HOME"], "cache", "images", "amd64", $"{images.Repository}_v1")));

        var listed = JsonNode.Parse((await cluster.MinikubeAsync("image", "ls", "--format", "json")).StandardOutput)!.AsArray();
        var ours = Assert.Single(listed, i => i!["repoTags"]!.AsArray().Any(t => t!.GetValue<string>().Contains(images.Repository)))!;
        Assert.Equal(id["sha256:".Length..], ours["id"]!.GetValue<string>());
        Assert.Equal($"docker.io/library/{images.Repository}:v1", Assert.Single(ours["repoTags"]!.AsArray())!.GetValue<string>());
        Assert.Empty(ours["repoDigests"]!.AsArray());
        Assert.Equal("7", ours["size"]!.GetValue<string>());
        Assert.Contains(listed, i => i!["repoTags"]![0]!.GetValue<string>() == "registry.k8s.io/pause:3.10");
        Assert.Contains($"docker.io/library/{images.Repository}:v1", (await cluster.MinikubeAsync("image", "ls")).StandardOutput);

        var again = await cluster.MinikubeAsync("image", "load", "--daemon", $"{images.Repository}:v1");
        Assert.Equal(0, again.ExitCode);
        Assert.Equal(1, cluster.Sim.ImageLoadCount);

        var absent = await cluster.MinikubeAsync("image", "load", "--daemon", $"{images.Repository}:nope");
        Assert.Equal(80, absent.ExitCode);
        Assert.Contains("X Exiting due to GUEST_IMAGE_LOAD:", absent.StandardError);
        Assert.Contains($"{images.Repository}:nope", absent.StandardError);

        await cluster.Sim.SetProfileStateAsync(ProfileState.Stopped);
        Assert.Equal("[]\n", (await cluster.MinikubeAsync("image", "ls", "--format", "json")).StandardOutput);
    }
}
