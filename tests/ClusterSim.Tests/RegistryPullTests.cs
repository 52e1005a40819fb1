using System.Text.Json.Nodes;
using TestSupport;
using Xunit;

namespace ClusterSim.Tests;

/// <summary>
/// A cluster that is not a minikube profile (ClusterKind.Remote) fed from a real private registry: an image pushed
/// with the real docker CLI, a pull secret made with the real kubectl, and a kubelet that pulls over the registry's
/// HTTP API with it; without it, with a wrong password, or for a tag the registry lacks, the pull fails as the
/// docker runtime words it.
/// </summary>
public sealed class RegistryPullTests
{
    [SkippableFact]
    public async Task A_remote_cluster_is_no_minikube_profile()
    {
        await using var cluster = await TestCluster.StartAsync(o => o with { Kind = ClusterKind.Remote, ContextName = "shared-dev" });

        Assert.Equal("shared-dev", (await cluster.KubectlOkAsync("config", "current-context")).Trim());
        var status = await cluster.MinikubeAsync("-p", "shared-dev", "status");
        Assert.Equal(85, status.ExitCode);
        Assert.Contains("* Profile \"shared-dev\" not found.", status.StandardOutput);
        var node = await cluster.KubectlJsonAsync("get", "node", cluster.Sim.NodeName);
        Assert.DoesNotContain(node["metadata"]!["labels"]!.AsObject(), l => l.Key.StartsWith("minikube.k8s.io/", StringComparison.Ordinal));
        Assert.Contains("<none>", await cluster.KubectlOkAsync("get", "nodes"));
    }

    [SkippableFact]
    public async Task With_a_pull_secret_the_kubelet_pulls_the_pushed_image_and_reports_its_registry_digest()
    {
        await using var registry = await PrivateRegistry.StartEmptyAsync();
        registry.Require();
        await using var images = TestImages.Create("pushed");
        await using var cluster = await TestCluster.StartAsync(o => o with { Kind = ClusterKind.Remote });
        var (image, pushedDigest) = await PushAsync(registry, images, "1", "served from the registry");
        Assert.Equal(pushedDigest, await registry.ManifestDigestAsync(images.Repository + "-pushed", "1"));

        await cluster.KubectlOkAsync("create", "namespace", "team");
        await cluster.KubectlOkAsync("create", "secret", "docker-registry", "regcred", $"--docker-server={registry.Host}",
            $"--docker-username={registry.User}", $"--docker-password={registry.Password}", "-n", "team");
        Assert.Matches(@"regcred\s+kubernetes\.io/dockerconfigjson\s+1\s+", await cluster.KubectlOkAsync("get", "secrets", "-n", "team"));
        await WaitForDefaultServiceAccountAsync(cluster, "team");
        await cluster.KubectlOkAsync("patch", "serviceaccount", "default", "-n", "team", "-p", "{\"imagePullSecrets\":[{\"name\":\"regcred\"}]}");
        await cluster.KubectlOkAsync("create", "deployment", "app", $"--image={image}", "-n", "team");
        await cluster.KubectlOkAsync("rollout", "status", "deployment/app", "-n", "team", "--timeout=60s");

        var pod = Assert.Single(cluster.LivePods("app", "team"));
        Assert.Equal($"docker-pullable://{registry.Host}/{images.Repository}-pushed@{pushedDigest}", TestCluster.ContainerField(pod, "imageID"));
        Assert.Equal(image, TestCluster.ContainerField(pod, "image"));
        Assert.Equal("regcred", pod["spec"]!["imagePullSecrets"]![0]!["name"]!.GetValue<string>());
        Assert.Equal("served from the registry\n", await cluster.KubectlOkAsync("logs", $"pod/{pod["metadata"]!["name"]}", "-n", "team"));
        var events = cluster.Sim.GetEvents("team").Select(e => e["message"]!.GetValue<string>()).ToList();
        Assert.Contains($"Pulling image \"{image}\"", events);
        Assert.Contains(events, m => m.StartsWith($"Successfully pulled image \"{image}\" in ", StringComparison.Ordinal));

        // The image is cached on the node: a restart with IfNotPresent pulls nothing.
        await cluster.KubectlOkAsync("rollout", "restart", "deployment/app", "-n", "team");
        await cluster.KubectlOkAsync("rollout", "status", "deployment/app", "-n", "team", "--timeout=60s");
        Assert.Contains($"Container image \"{image}\" already present on machine",
            cluster.Sim.GetEvents("team").Select(e => e["message"]!.GetValue<string>()));
    }

    [SkippableFact]
    public async Task Without_credentials_with_a_wrong_password_or_for_an_unknown_tag_the_pull_fails_as_docker_says()
    {
        await using var registry = await PrivateRegistry.StartEmptyAsync();
        registry.Require();
        await using var images = TestImages.Create("denied");
        await using var cluster = await TestCluster.StartAsync(o => o with { Kind = ClusterKind.Remote });
        var (image, _) = await PushAsync(registry, images, "1", "unreachable");
        var repository = $"{registry.Host}/{images.Repository}-pushed";

        await cluster.KubectlOkAsync("create", "deployment", "nocreds", $"--image={image}");
        var noCredentials = $"Error response from daemon: Head \"http://{registry.Host}/v2/{images.Repository}-pushed/manifests/1\": no basic auth credentials";
        await WaitForWaitingAsync(cluster, "nocreds", "ImagePullBackOff");
        var pod = Assert.Single(cluster.LivePods("nocreds"));
        Assert.Equal($"Back-off pulling image \"{image}\": ErrImagePull: {noCredentials}", TestCluster.ContainerField(pod, "state", "waiting", "message"));
        Assert.Contains($"Failed to pull image \"{image}\": {noCredentials}", cluster.Sim.GetEvents("default").Select(e => e["message"]!.GetValue<string>()));

        await cluster.KubectlOkAsync("create", "secret", "docker-registry", "wrong", $"--docker-server={registry.Host}",
            $"--docker-username={registry.User}", "--docker-password=not-the-password");
        await cluster.KubectlOkAsync("apply", "-f", cluster.Manifest("wrongcreds.yaml", DeploymentWithPullSecret("wrongcreds", image, "wrong")));
        await WaitForWaitingAsync(cluster, "wrongcreds", "ErrImagePull", "ImagePullBackOff");
        Assert.Contains("Error response from daemon: unauthorized: authentication required", TestCluster.ContainerField(Assert.Single(cluster.LivePods("wrongcreds")), "state", "waiting", "message"));

        await cluster.KubectlOkAsync("create", "secret", "docker-registry", "regcred", $"--docker-server={registry.Host}",
            $"--docker-username={registry.User}", $"--docker-password={registry.Password}");
        await cluster.KubectlOkAsync("apply", "-f", cluster.Manifest("unknown.yaml", DeploymentWithPullSecret("unknown", $"{repository}:nope", "regcred")));
        await WaitForWaitingAsync(cluster, "unknown", "ErrImagePull", "ImagePullBackOff");
        Assert.Contains($"Error response from daemon: manifest for {repository}:nope not found: manifest unknown: manifest unknown",
            TestCluster.ContainerField(Assert.Single(cluster.LivePods("unknown")), "state", "waiting", "message"));

        await cluster.KubectlOkAsync("apply", "-f", cluster.Manifest("missing.yaml", DeploymentWithPullSecret("missing", image, "no-such-secret")));
        await cluster.Sim.WaitUntilAsync(c => c.GetEvents("default").Any(e => e["reason"]!.GetValue<string>() == "FailedToRetrieveImagePullSecret"),
            TimeSpan.FromSeconds(30), "the kubelet reports the missing secret");
        Assert.Contains("Unable to retrieve some image pull secrets (no-such-secret); attempting to pull the image may not succeed.",
            cluster.Sim.GetEvents("default").Select(e => e["message"]!.GetValue<string>()));
    }

    /// <summary>Builds an image in the test daemon under the registry's name, pushes it, and returns it with the digest docker recorded.</summary>
    private static async Task<(string Image, string Digest)> PushAsync(PrivateRegistry registry, TestImages images, string tag, string log)
    {
        await images.BuildAsync(tag, log, log: log);
        var image = $"{registry.Host}/{images.Repository}-pushed:{tag}";
        var environment = new Dictionary<string, string?> { ["DOCKER_CONFIG"] = registry.DockerConfig };
        Assert.Equal(0, (await ProcessRunner.RunAsync("docker", ["tag", $"{images.Repository}:{tag}", image])).ExitCode);
        try
        {
            var push = await ProcessRunner.RunAsync("docker", ["push", image], environment, timeout: TimeSpan.FromMinutes(2));
            Assert.True(push.ExitCode == 0, push.ToString());
            var digests = await ProcessRunner.RunAsync("docker", ["image", "inspect", "--format", "{{join .RepoDigests \" \"}}", image]);
            var recorded = digests.StandardOutput.Trim().Split(' ').Single(d => d.StartsWith($"{registry.Host}/", StringComparison.Ordinal));
            return (image, recorded[(recorded.IndexOf('@') + 1)..]);
        }
        finally
        {
            await ProcessRunner.RunAsync("docker", ["rmi", image]);
        }
    }

    private static async Task WaitForDefaultServiceAccountAsync(TestCluster cluster, string ns) =>
        await Network.WaitUntilAsync(async () => (await cluster.KubectlAsync("get", "serviceaccount", "default", "-n", ns)).ExitCode == 0,
            TimeSpan.FromSeconds(30), $"the default service account in {ns}");

    private static async Task WaitForWaitingAsync(TestCluster cluster, string app, params string[] reasons) =>
        await cluster.Sim.WaitUntilAsync(
            _ => cluster.LivePods(app).Any(p => reasons.Contains(TestCluster.ContainerField(p, "state", "waiting", "reason"))),
            TimeSpan.FromSeconds(30),
            $"{app}'s container waits with {string.Join(" or ", reasons)}");

    private static string DeploymentWithPullSecret(string name, string image, string secret) =>
        KubernetesManifests.Deployment(name, image, "IfNotPresent").Replace("      containers:\n", $"      imagePullSecrets:\n      - name: {secret}\n      containers:\n");
}
