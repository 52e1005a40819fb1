using ClusterSim;
using TestSupport;

namespace Redeploy.Benchmark;

/// <summary>
/// One benchmark round: a fresh simulated minikube profile and two services (bot, dashboard) whose images carry
/// a blob of random bytes, so that building and loading them costs what a real image of that size costs.
/// The redeploy build and the naive sequence each get their own namespace, images and build contexts
/// (different random bytes), so neither profits from the other's build cache or loaded images.
/// </summary>
public sealed class Workspace : IAsyncDisposable
{
    public static readonly string[] Services = ["bot", "dashboard"];

    private readonly TempDirectory _root;
    private readonly string _id = Guid.NewGuid().ToString("N")[..6];

    private Workspace(TempDirectory root, SimulatedCluster cluster)
    {
        _root = root;
        Cluster = cluster;
    }

    public SimulatedCluster Cluster { get; }

    public string ConfigFile => _root.Combine("redeploy", "redeploy.json");

    public static async Task<Workspace> CreateAsync(int blobMegabytes)
    {
        var root = new TempDirectory("bench");
        var cluster = await SimulatedCluster.StartAsync(new SimOptions { MinikubeHome = root.Combine("minikube") });
        var workspace = new Workspace(root, cluster);
        foreach (var pipeline in new[] { "redeploy", "naive" })
        {
            foreach (var service in Services)
            {
                var blob = new byte[blobMegabytes * 1024 * 1024];
                Random.Shared.NextBytes(blob);
                Directory.CreateDirectory(root.Combine(pipeline, service));
                await File.WriteAllBytesAsync(root.Combine(pipeline, service, "blob.bin"), blob);
                root.WriteFile($"{pipeline}/{service}/version.txt", "1\n");
                root.WriteFile($"{pipeline}/{service}/Dockerfile", "FROM scratch\nCOPY blob.bin /blob.bin\nCOPY version.txt /version.txt\n");
                root.WriteFile($"{pipeline}/k8s/{service}.yaml", workspace.Manifest(pipeline, service));
            }
        }

        root.WriteFile("redeploy/redeploy.json", $$"""
            {
              "namespace": "{{Namespace("redeploy")}}",
              "imageDelivery": "load",
              "services": [
                { "name": "bot", "image": "{{workspace.Image("redeploy", "bot")}}", "context": "bot" },
                { "name": "dashboard", "image": "{{workspace.Image("redeploy", "dashboard")}}", "context": "dashboard" }
              ]
            }
            """);
        return workspace;
    }

    /// <summary>What child processes run with: the cluster's clients, an empty HOME (no docker credential store).</summary>
    public Dictionary<string, string?> Environment
    {
        get
        {
            return ClientEnvironment(Cluster, _root.Combine("home"));
        }
    }

    /// <summary>
    /// What a benchmark's child processes run with: the cluster's client environment (PATH with its minikube, KUBECONFIG,
    /// MINIKUBE_HOME), an empty HOME (no docker credential store), no DOCKER_CONFIG, no colour codes.
    /// </summary>
    public static Dictionary<string, string?> ClientEnvironment(ClusterSim.SimulatedCluster cluster, string home)
    {
        var environment = cluster.ClientEnvironment.ToDictionary(p => p.Key, p => (string?)p.Value);
        environment["HOME"] = home;
        environment["DOTNET_CLI_HOME"] = System.Environment.GetEnvironmentVariable("HOME");
        environment["DOCKER_CONFIG"] = null;
        environment["NO_COLOR"] = "1";
        return environment;
    }

    public static string Namespace(string pipeline) => $"{pipeline}-ns";

    public string Image(string pipeline, string service) => $"bench-{_id}-{pipeline}-{service}";

    public string Context(string pipeline, string service) => _root.Combine(pipeline, service);

    public string Manifests(string pipeline) => _root.Combine(pipeline, "k8s");

    public void Change(string pipeline, string service) =>
        File.WriteAllText(_root.Combine(pipeline, service, "version.txt"), Guid.NewGuid() + "\n");

    /// <summary>Deployments started so far in a namespace (new or revived replica sets).</summary>
    public int Rollouts(string pipeline) => Services.Sum(s => Cluster.GetActivity(Namespace(pipeline), s).Rollouts);

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        foreach (var pipeline in new[] { "redeploy", "naive" })
        {
            foreach (var service in Services)
            {
                await DockerImages.RemoveRepositoryAsync(Image(pipeline, service));
            }
        }

        _root.Dispose();
    }

    private string Manifest(string pipeline, string service) =>
        KubernetesManifests.Namespace(Namespace(pipeline)) + "---\n" +
        KubernetesManifests.Deployment(service, $"{Image(pipeline, service)}:latest", "IfNotPresent", Namespace(pipeline));
}
