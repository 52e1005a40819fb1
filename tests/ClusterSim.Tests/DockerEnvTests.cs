using System.Text.Json.Nodes;
using TestSupport;
using Xunit;

namespace ClusterSim.Tests;

/// <summary>
/// `minikube docker-env` on a profile whose node runs a real dockerd (NodeRuntime.DockerDaemon): the real docker CLI
/// reaches that daemon with the printed environment (TCP + TLS, minikube's certificate layout), the kubelet runs the
/// images built there, `minikube image ls` lists them and `minikube image load` loads into it.
/// </summary>
public sealed class DockerEnvTests
{
    private static readonly Dictionary<string, string?> NoUserDaemon = new() { ["DOCKER_HOST"] = null, ["DOCKER_TLS_VERIFY"] = null, ["DOCKER_CERT_PATH"] = null, ["SHELL"] = "/bin/bash" };

    [SkippableFact]
    public async Task Docker_env_prints_what_minikube_prints_and_the_docker_cli_reaches_the_node_daemon_with_it()
    {
        await using var cluster = await TestCluster.StartAsync(o => o with { NodeRuntime = NodeRuntime.DockerDaemon });
        var home = cluster.Sim.ClientEnvironment["MINIKUBE_HOME"];
        var host = cluster.Sim.NodeDockerEnvironment["DOCKER_HOST"];
        Assert.Matches(@"^tcp://127\.0\.0\.1:\d+$", host);

        var bash = await cluster.MinikubeAsync(NoUserDaemon, "-p", "minikube", "docker-env");
        Assert.True(bash.ExitCode == 0, bash.ToString());
        Assert.Equal(
            $"export DOCKER_TLS_VERIFY=\"1\"\nexport DOCKER_HOST=\"{host}\"\nexport DOCKER_CERT_PATH=\"{home}/certs\"\nexport MINIKUBE_ACTIVE_DOCKERD=\"minikube\"\n\n" +
            "# To point your shell to minikube's docker-daemon, run:\n# eval $(minikube -p minikube docker-env)\n",
            bash.StandardOutput);

        var none = await cluster.MinikubeAsync(NoUserDaemon, "-p", "minikube", "docker-env", "--shell", "none");
        Assert.Equal($"DOCKER_TLS_VERIFY=1\nDOCKER_HOST={host}\nDOCKER_CERT_PATH={home}/certs\nMINIKUBE_ACTIVE_DOCKERD=minikube\n", none.StandardOutput);

        // The user's own daemon is saved for `docker-env --unset`, as the real one does.
        var withUserDaemon = await cluster.MinikubeAsync(new Dictionary<string, string?> { ["DOCKER_HOST"] = "unix:///var/run/user.sock", ["SHELL"] = "/bin/bash" }, "docker-env", "--shell", "none");
        Assert.Contains("MINIKUBE_EXISTING_DOCKER_HOST=unix:///var/run/user.sock\nMINIKUBE_ACTIVE_DOCKERD=minikube\n", withUserDaemon.StandardOutput);
        var unset = await cluster.MinikubeAsync(new Dictionary<string, string?> { ["MINIKUBE_EXISTING_DOCKER_HOST"] = "unix:///var/run/user.sock", ["SHELL"] = "/bin/bash" }, "docker-env", "-u");
        Assert.Equal("unset DOCKER_TLS_VERIFY;\nunset DOCKER_CERT_PATH;\nunset MINIKUBE_ACTIVE_DOCKERD;\nunset SSH_AUTH_SOCK;\nunset SSH_AGENT_PID;\nunset MINIKUBE_EXISTING_DOCKER_HOST;\nexport DOCKER_HOST=\"unix:///var/run/user.sock\"\n", unset.StandardOutput);

        foreach (var file in new[] { "certs/ca.pem", "certs/ca-key.pem", "certs/cert.pem", "certs/key.pem", "machines/server.pem", "machines/server-key.pem" })
        {
            Assert.True(File.Exists(Path.Combine(home, file)), $"{file} is missing");
        }

        var environment = ParseKeyValues(none.StandardOutput);
        var version = await ProcessRunner.RunAsync("docker", ["version", "--format", "{{.Server.Version}}"], environment, timeout: TimeSpan.FromSeconds(60));
        Assert.True(version.ExitCode == 0, version.ToString());
        Assert.NotEmpty(version.StandardOutput.Trim());

        // TLS is enforced: without the client certificate the daemon does not talk.
        var plain = await ProcessRunner.RunAsync("docker", ["-H", host, "version", "--format", "{{.Server.Version}}"],
            new Dictionary<string, string?> { ["DOCKER_HOST"] = null, ["DOCKER_TLS_VERIFY"] = null, ["DOCKER_CERT_PATH"] = null }, timeout: TimeSpan.FromSeconds(60));
        Assert.NotEqual(0, plain.ExitCode);
    }

    [SkippableFact]
    public async Task An_image_built_through_docker_env_runs_on_the_node_and_minikube_lists_it()
    {
        await using var cluster = await TestCluster.StartAsync(o => o with { NodeRuntime = NodeRuntime.DockerDaemon });
        var repository = $"clustersim-built-{Guid.NewGuid().ToString("N")[..8]}";
        var context = cluster.Manifest("build/Dockerfile", "FROM scratch\nCOPY content.txt /content.txt\nLABEL io.clustersim.log=\"built in the node\"\n");
        File.WriteAllText(Path.Combine(Path.GetDirectoryName(context)!, "content.txt"), "payload\n");
        var build = await cluster.NodeDockerAsync("build", "-q", "-t", $"{repository}:v1", Path.GetDirectoryName(context)!);
        Assert.True(build.ExitCode == 0, build.ToString());
        var id = (await cluster.NodeDockerAsync("image", "inspect", "--format", "{{.Id}}", $"{repository}:v1")).StandardOutput.Trim();
        Assert.StartsWith("sha256:", id);
        Assert.Equal(id, cluster.Sim.NodeImageId($"{repository}:v1"));

        var listed = JsonNode.Parse((await cluster.MinikubeAsync("image", "ls", "--format", "json")).StandardOutput)!.AsArray();
        var ours = Assert.Single(listed, i => i!["repoTags"]![0]!.GetValue<string>() == $"docker.io/library/{repository}:v1")!;
        Assert.Equal(id["sha256:".Length..], ours["id"]!.GetValue<string>());
        Assert.Contains(listed, i => i!["repoTags"]![0]!.GetValue<string>() == "registry.k8s.io/pause:3.10");

        await cluster.ApplyDeploymentAsync("built", $"{repository}:v1", "IfNotPresent");
        await cluster.KubectlOkAsync("rollout", "status", "deployment/built", "--timeout=60s");
        var pod = Assert.Single(cluster.LivePods("built"));
        Assert.Equal("docker://" + id, TestCluster.ContainerField(pod, "imageID"));
        var containerId = TestCluster.ContainerField(pod, "containerID")!["docker://".Length..];
        Assert.Equal("built in the node\n", await cluster.KubectlOkAsync("logs", $"pod/{pod["metadata"]!["name"]}"));

        // The kubelet's container is a real one in the node's daemon, named as cri-dockerd names them.
        var containers = await cluster.NodeDockerAsync("ps", "-a", "--no-trunc", "--format", "{{.ID}} {{.Names}}");
        Assert.Contains($"{containerId} k8s_built_{pod["metadata"]!["name"]}_default_", containers.StandardOutput);

        await cluster.KubectlOkAsync("delete", "deployment/built");
        await cluster.Sim.WaitUntilAsync(_ => cluster.Sim.GetPods("default", "app=built").Count == 0, TimeSpan.FromSeconds(30), "the pod is gone");
        Assert.DoesNotContain(containerId, (await cluster.NodeDockerAsync("ps", "-a", "--no-trunc", "--format", "{{.ID}}")).StandardOutput);
    }

    [SkippableFact]
    public async Task Image_load_goes_into_the_node_daemon_which_itself_keeps_a_tag_a_container_uses()
    {
        await using var images = TestImages.Create("daemon-trap");
        await using var cluster = await TestCluster.StartAsync(o => o with { NodeRuntime = NodeRuntime.DockerDaemon });
        var image = $"{images.Repository}:latest";
        var oldId = await images.BuildAsync("latest", "build one");
        Assert.Equal(0, (await cluster.MinikubeAsync("image", "load", "--daemon", image)).ExitCode);
        Assert.Equal(oldId, (await cluster.NodeDockerAsync("image", "inspect", "--format", "{{.Id}}", image)).StandardOutput.Trim());
        Assert.Equal(1, cluster.Sim.ImageLoadCount);
        await cluster.ApplyDeploymentAsync("app", image, "IfNotPresent");
        await cluster.KubectlOkAsync("rollout", "status", "deployment/app", "--timeout=60s");

        var newId = await images.BuildAsync("latest", "build two");
        var load = await cluster.MinikubeAsync("image", "load", "--daemon", image, "--alsologtostderr");
        Assert.Equal(0, load.ExitCode);
        Assert.Contains("unable to remove repository reference", load.StandardError);
        Assert.Equal(oldId, (await cluster.NodeDockerAsync("image", "inspect", "--format", "{{.Id}}", image)).StandardOutput.Trim());
        Assert.NotEqual(oldId, newId);
    }

    /// <summary>The K=V lines of `docker-env --shell none` as an environment for a child process.</summary>
    private static Dictionary<string, string?> ParseKeyValues(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => (string?)p[1]);
}
