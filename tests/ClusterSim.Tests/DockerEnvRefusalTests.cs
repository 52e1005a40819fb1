using Xunit;

namespace ClusterSim.Tests;

/// <summary>
/// When `minikube docker-env` (v1.38.1) gives no daemon: the exit codes and messages of cmd/minikube/cmd/docker-env.go,
/// and, because the caller's stdout is not a terminal, "false exit code N" on stdout (so `eval $(...)` fails too).
/// </summary>
public sealed class DockerEnvRefusalTests
{
    [SkippableFact]
    public async Task A_runtime_other_than_docker_or_containerd_is_a_usage_error()
    {
        await using var cluster = await TestCluster.StartAsync(o => o with { ContainerRuntime = "cri-o" });

        var result = await cluster.MinikubeAsync("-p", "minikube", "docker-env", "--shell", "none");

        Assert.Equal(14, result.ExitCode);
        Assert.Contains("X Exiting due to MK_USAGE: the docker-env command only supports the docker and containerd runtimes", result.StandardError);
        Assert.Equal("false exit code 14\n", result.StandardOutput);
    }

    [SkippableFact]
    public async Task A_multi_node_profile_and_the_none_driver_are_refused()
    {
        await using var multi = await TestCluster.StartAsync(o => o with { Nodes = 2 });
        var result = await multi.MinikubeAsync("docker-env");
        Assert.Equal(81, result.ExitCode);
        Assert.Contains("X Exiting due to ENV_MULTINODE_CONFLICT: The docker-env command is incompatible with multi-node clusters. Use the 'registry' add-on: https://minikube.sigs.k8s.io/docs/handbook/registry/", result.StandardError);
        Assert.Equal("false exit code 81\n", result.StandardOutput);

        await using var none = await TestCluster.StartAsync(o => o with { Driver = "none" });
        result = await none.MinikubeAsync("docker-env");
        Assert.Equal(51, result.ExitCode);
        Assert.Contains("X Exiting due to ENV_DRIVER_CONFLICT: 'none' driver does not support 'minikube docker-env' command", result.StandardError);
    }

    [SkippableFact]
    public async Task A_missing_or_stopped_profile_fails_quietly_with_minikubes_exit_codes()
    {
        await using var cluster = await TestCluster.StartAsync(profile: "coinpilot");

        var missing = await cluster.MinikubeAsync("-p", "other", "docker-env");
        Assert.Equal(85, missing.ExitCode);
        Assert.Equal("false exit code 85\n", missing.StandardOutput);

        await cluster.Sim.SetProfileStateAsync(ProfileState.Stopped);
        var stopped = await cluster.MinikubeAsync("-p", "coinpilot", "docker-env");
        Assert.Equal(83, stopped.ExitCode);
        Assert.Equal("false exit code 83\n", stopped.StandardOutput);

        // --unset needs no profile at all.
        var unset = await cluster.MinikubeAsync(new Dictionary<string, string?> { ["SHELL"] = "/bin/bash" }, "-p", "other", "docker-env", "--unset", "--shell", "none");
        Assert.Equal(0, unset.ExitCode);
        Assert.Equal("DOCKER_TLS_VERIFY\nDOCKER_HOST\nDOCKER_CERT_PATH\nMINIKUBE_ACTIVE_DOCKERD\nSSH_AUTH_SOCK\nSSH_AGENT_PID\n", unset.StandardOutput);
    }

    [SkippableFact]
    public async Task A_profile_whose_node_runtime_is_simulated_in_process_has_no_daemon_to_point_at()
    {
        await using var cluster = await TestCluster.StartAsync();

        var result = await cluster.MinikubeAsync("docker-env");

        Assert.Equal(50, result.ExitCode);
        Assert.Contains("X Exiting due to DRV_PORT_FORWARD: Error getting port binding for 'docker driver: clustersim:", result.StandardError);
        Assert.Contains("NodeRuntime.DockerDaemon", result.StandardError);
        Assert.Equal("false exit code 50\n", result.StandardOutput);
    }

    [SkippableFact]
    public async Task On_containerd_docker_env_is_the_experimental_ssh_form_not_a_refusal()
    {
        await using var cluster = await TestCluster.StartAsync(o => o with { ContainerRuntime = "containerd" });

        var result = await cluster.MinikubeAsync(new Dictionary<string, string?> { ["SHELL"] = "/bin/bash" }, "docker-env");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("! Using the docker-env command with the containerd runtime is a highly experimental feature", result.StandardError);
        Assert.Matches("^export DOCKER_HOST=\"ssh://docker@127\\.0\\.0\\.1:\\d+\"\nexport MINIKUBE_ACTIVE_DOCKERD=\"minikube\"\n\n# To point your shell to minikube's docker-daemon, run:\n# eval \\$\\(minikube -p minikube docker-env --ssh-host\\)\n$", result.StandardOutput);
        Assert.DoesNotContain("DOCKER_TLS_VERIFY", result.StandardOutput);
    }
}
