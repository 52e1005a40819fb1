using ClusterSim;
using TestSupport;

namespace Redeploy.Benchmark;

/// <summary>
/// One benchmark round: a fresh simulated minikube profile (with the given minikube latency) and two services (bot,
/// dashboard) whose images carry a blob of random bytes, so that building and loading them costs what a real image of
/// that size costs. Each pipeline (the redeploy build, the baseline build when there is one, the naive sequence) gets
/// its own namespace, images and build contexts (different random bytes), so none profits from another's build cache
/// or loaded images.
/// </summary>
public sealed class Workspace : IAsyncDisposable
{
    public static readonly string[] Services = ["bot", "dashboard"];

    private readonly TempDirectory _root;
    private readonly string _id = Guid.NewGuid().ToString("N")[..6];

    private Workspace(TempDirectory root, SimulatedCluster cluster, IReadOnlyList<string> pipelines)
    {
        _root = root;
        Cluster = cluster;
        Pipelines = pipelines;
    }

    public SimulatedCluster Cluster { get; }

    /// <summary>"redeploy", "naive", and "baseline" when a baseline build is measured too.</summary>
    public IReadOnlyList<string> Pipelines { get; }

    /// <summary>The services file of a build pipeline ("redeploy" or "baseline").</summary>
    public string ConfigFile(string pipeline) => _root.Combine(pipeline, "redeploy.json");

    public static async Task<Workspace> CreateAsync(int blobMegabytes, MinikubeLatency latency = MinikubeLatency.Fast, bool baseline = false)
    {
        var root = new TempDirectory("bench");
        var cluster = await SimulatedCluster.StartAsync(new SimOptions { MinikubeHome = root.Combine("minikube"), MinikubeLatency = latency });
        var workspace = new Workspace(root, cluster, baseline ? ["redeploy", "baseline", "naive"] : ["redeploy", "naive"]);
        foreach (var pipeline in workspace.Pipelines)
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

        foreach (var pipeline in workspace.Pipelines.Where(p => p != "naive"))
        {
            root.WriteFile($"{pipeline}/redeploy.json", $$"""
                {
                  "namespace": "{{Namespace(pipeline)}}",
                  "imageDelivery": "load",
                  "services": [
                    { "name": "bot", "image": "{{workspace.Image(pipeline, "bot")}}", "context": "bot" },
                    { "name": "dashboard", "image": "{{workspace.Image(pipeline, "dashboard")}}", "context": "dashboard" }
                  ]
                }
                """);
        }

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
        foreach (var pipeline in Pipelines)
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
