using System.Globalization;
using System.Text.Json.Nodes;
using Xunit;

namespace ClusterSim.Tests;

/// <summary>What a tool can read instead of calling minikube: the profile's config.json and the kubeconfig entries minikube writes.</summary>
public sealed class ProfileFilesTests
{
    [SkippableFact]
    public async Task The_profile_config_and_the_kubeconfig_entries_are_shaped_as_minikube_writes_them()
    {
        await using var cluster = await TestCluster.StartAsync(profile: "coinpilot");

        var path = Path.Combine(cluster.Sim.ClientEnvironment["MINIKUBE_HOME"], "profiles", "coinpilot", "config.json");
        var config = JsonNode.Parse(await File.ReadAllTextAsync(path))!;
        Assert.Equal("docker", config["Driver"]!.GetValue<string>());
        Assert.Equal("docker", config["KubernetesConfig"]!["ContainerRuntime"]!.GetValue<string>());
        Assert.Equal("coinpilot", config["KubernetesConfig"]!["ClusterName"]!.GetValue<string>());
        Assert.Equal(8443, config["APIServerPort"]!.GetValue<int>());
        var node = Assert.Single(config["Nodes"]!.AsArray())!;
        Assert.Equal(["Name", "IP", "Port", "KubernetesVersion", "ContainerRuntime", "ControlPlane", "Worker"], node.AsObject().Select(p => p.Key));
        Assert.Equal("", node["Name"]!.GetValue<string>());
        Assert.True(node["ControlPlane"]!.GetValue<bool>());

        var kubeconfig = await cluster.KubectlJsonAsync("config", "view");
        var cluster_ = Assert.Single(kubeconfig["clusters"]!.AsArray())!;
        Assert.Equal("coinpilot", cluster_["name"]!.GetValue<string>());
        AssertMinikubeExtension(cluster_["cluster"]!, "cluster_info");
        var context = Assert.Single(kubeconfig["contexts"]!.AsArray())!;
        AssertMinikubeExtension(context["context"]!, "context_info");
        Assert.Equal("default", context["context"]!["namespace"]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task A_deleted_profile_leaves_no_config_directory_no_kubeconfig_entries_and_no_api_server()
    {
        await using var cluster = await TestCluster.StartAsync();
        var profileDirectory = Path.Combine(cluster.Sim.ClientEnvironment["MINIKUBE_HOME"], "profiles", "minikube");
        Assert.True(Directory.Exists(profileDirectory));

        await cluster.Sim.DeleteProfileAsync();

        Assert.False(Directory.Exists(profileDirectory));
        var status = await cluster.MinikubeAsync("status");
        Assert.Equal(85, status.ExitCode);
        Assert.Contains("* Profile \"minikube\" not found.", status.StandardOutput);
        Assert.Equal(14, (await cluster.MinikubeAsync("profile", "list")).ExitCode);
        Assert.Equal(85, (await cluster.MinikubeAsync("docker-env", "--shell", "none")).ExitCode);

        var kubeconfig = await File.ReadAllTextAsync(cluster.Sim.KubeconfigPath);
        Assert.Contains("clusters: null\n", kubeconfig);
        Assert.Contains("contexts: null\n", kubeconfig);
        Assert.Contains("users: null\n", kubeconfig);
        Assert.Contains("current-context: \"\"\n", kubeconfig);
        Assert.Equal("", (await cluster.KubectlOkAsync("config", "get-contexts", "-o", "name")).Trim());
        var noContext = await cluster.KubectlAsync("--context", "minikube", "get", "pods");
        Assert.Equal(1, noContext.ExitCode);
        Assert.Contains("context was not found for specified context: minikube", noContext.StandardError);
        await Assert.ThrowsAsync<InvalidOperationException>(() => cluster.Sim.SetProfileStateAsync(ProfileState.Running));
    }

    [SkippableFact]
    public async Task Deleting_a_profile_keeps_the_kubeconfig_entries_of_other_clusters()
    {
        await using var cluster = await TestCluster.StartAsync();
        await cluster.KubectlOkAsync("config", "set-cluster", "other", "--server=https://10.0.0.1:6443");
        await cluster.KubectlOkAsync("config", "set-credentials", "other", "--token=x");
        await cluster.KubectlOkAsync("config", "set-context", "other", "--cluster=other", "--user=other");

        await cluster.Sim.DeleteProfileAsync();

        Assert.Equal("other", (await cluster.KubectlOkAsync("config", "get-contexts", "-o", "name")).Trim());
        var view = await cluster.KubectlJsonAsync("config", "view");
        Assert.Equal("other", Assert.Single(view["clusters"]!.AsArray())!["name"]!.GetValue<string>());
        Assert.Equal("other", Assert.Single(view["users"]!.AsArray())!["name"]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task A_changed_runtime_in_the_profile_config_is_what_minikube_reports()
    {
        await using var cluster = await TestCluster.StartAsync();

        cluster.Sim.SetProfileContainerRuntime("containerd");

        var list = JsonNode.Parse((await cluster.MinikubeAsync("profile", "list", "-o", "json")).StandardOutput)!;
        var config = Assert.Single(list["valid"]!.AsArray())!["Config"]!;
        Assert.Equal("containerd", config["KubernetesConfig"]!["ContainerRuntime"]!.GetValue<string>());
        Assert.Equal("containerd", config["Nodes"]![0]!["ContainerRuntime"]!.GetValue<string>());
        var images = JsonNode.Parse((await cluster.MinikubeAsync("image", "ls", "--format", "json")).StandardOutput)!.AsArray();
        Assert.All(images, i => Assert.StartsWith("sha256:", i!["id"]!.GetValue<string>()));
        Assert.Throws<ArgumentException>(() => cluster.Sim.SetProfileContainerRuntime("rkt"));
    }

    private static void AssertMinikubeExtension(JsonNode entry, string name)
    {
        var extension = Assert.Single(entry["extensions"]!.AsArray())!;
        Assert.Equal(name, extension["name"]!.GetValue<string>());
        Assert.Equal("minikube.sigs.k8s.io", extension["extension"]!["provider"]!.GetValue<string>());
        Assert.Equal("v1.38.1", extension["extension"]!["version"]!.GetValue<string>());
        var lastUpdate = extension["extension"]!["last-update"]!.GetValue<string>();
        Assert.True(DateTimeOffset.TryParseExact(lastUpdate, "ddd, dd MMM yyyy HH:mm:ss 'UTC'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _), lastUpdate);
    }
}
