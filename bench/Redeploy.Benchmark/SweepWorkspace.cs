using ClusterSim;
using TestSupport;

namespace Redeploy.Benchmark;

/// <summary>
/// One size of the service-count sweep: a fresh simulated minikube profile and <see cref="Count"/> generated
/// copies of a small service (svc-01, svc-02, ...), each with its own build context and content file, its own
/// image and its own Deployment in one namespace. The images are tiny (a base image this workspace builds, plus
/// the content file), so what grows with the count is the per-service overhead, not the bytes moved. Every
/// image, the cluster and the files are removed on dispose.
/// </summary>
public sealed class SweepWorkspace : IAsyncDisposable
{
    public const string Namespace = "sweep-ns";

    private readonly TempDirectory _root;
    private readonly string _id = Guid.NewGuid().ToString("N")[..6];

    private SweepWorkspace(TempDirectory root, SimulatedCluster cluster, int count)
    {
        _root = root;
        Cluster = cluster;
        Count = count;
        Calls = new ToolCallRecorder(root.Combine("shims"), root.Combine("calls.log"), cluster);
    }

    public int Count { get; }

    public SimulatedCluster Cluster { get; }

    /// <summary>Recording shims for docker, kubectl and minikube, used only in the runs that count calls.</summary>
    public ToolCallRecorder Calls { get; }

    public string ConfigFile => _root.Combine("redeploy.json");

    public IEnumerable<string> Services => Enumerable.Range(1, Count).Select(Service);

    /// <summary>
    /// Starts the cluster and writes the services file, the build contexts and the manifests. The base image
    /// (FROM scratch, one small file) is built here, so each service's Dockerfile has a base image the build
    /// inspects, as real services do. The files name the workspace and the service, so every image is its own
    /// (no two services, and no two workspaces, share an image ID through docker's build cache).
    /// </summary>
    public static async Task<SweepWorkspace> CreateAsync(int count)
    {
        var root = new TempDirectory($"sweep{count}");
        var cluster = await SimulatedCluster.StartAsync(new SimOptions { MinikubeHome = root.Combine("minikube") });
        var workspace = new SweepWorkspace(root, cluster, count);
        try
        {
            root.WriteFile("base/Dockerfile", "FROM scratch\nCOPY base.txt /base.txt\n");
            root.WriteFile("base/base.txt", $"the base image of sweep workspace {workspace._id}\n");
            var build = await ProcessRunner.RunAsync("docker", ["build", "-q", "-t", workspace.BaseImage + ":latest", root.Combine("base")], workspace.Environment);
            if (build.ExitCode != 0)
            {
                throw new InvalidOperationException($"docker build of the base image failed: {build}");
            }

            root.WriteFile("k8s/namespace.yaml", KubernetesManifests.Namespace(Namespace));
            foreach (var service in workspace.Services)
            {
                root.WriteFile($"{service}/Dockerfile", $"FROM {workspace.BaseImage}:latest\nCOPY content.txt /content.txt\n");
                root.WriteFile($"{service}/content.txt", $"{workspace.Image(service)} 1\n");
                root.WriteFile($"k8s/{service}.yaml", KubernetesManifests.Deployment(service, $"{workspace.Image(service)}:latest", "IfNotPresent", Namespace));
            }

            var manifests = workspace.Services.Select(s => $"\"k8s/{s}.yaml\"").Prepend("\"k8s/namespace.yaml\"");
            var services = workspace.Services.Select(s => $"{{ \"name\": \"{s}\", \"image\": \"{workspace.Image(s)}\", \"context\": \"{s}\" }}");
            root.WriteFile("redeploy.json", $$"""
                {
                  "namespace": "{{Namespace}}",
                  "imageDelivery": "load",
                  "manifests": [{{string.Join(", ", manifests)}}],
                  "services": [
                    {{string.Join(",\n    ", services)}}
                  ]
                }
                """);
            return workspace;
        }
        catch
        {
            await workspace.DisposeAsync();
            throw;
        }
    }

    /// <summary>What child processes run with: the cluster's clients, an empty HOME (no docker credential store, no build cache of other runs).</summary>
    public Dictionary<string, string?> Environment
    {
        get
        {
            return Workspace.ClientEnvironment(Cluster, _root.Combine("home"));
        }
    }

    /// <summary>The same environment with the recording shims first on PATH.</summary>
    public Dictionary<string, string?> RecordingEnvironment
    {
        get
        {
            var environment = Environment;
            environment["PATH"] = Calls.ShimDirectory + Path.PathSeparator + environment["PATH"];
            return environment;
        }
    }

    /// <summary>svc-01, svc-02, ... (1-based), so the names sort in order.</summary>
    public static string Service(int number) => $"svc-{number:00}";

    public string Image(string service) => $"bench-{_id}-{service}";

    private string BaseImage => $"bench-{_id}-base";

    /// <summary>Changes one service's content file, so its next build gives a new image.</summary>
    public void Change(string service) => File.WriteAllText(_root.Combine(service, "content.txt"), Guid.NewGuid() + "\n");

    /// <summary>Deployments started so far in the namespace (new or revived replica sets), over all services.</summary>
    public int Rollouts => Services.Sum(s => Cluster.GetActivity(Namespace, s).Rollouts);

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        foreach (var service in Services)
        {
            await DockerImages.RemoveRepositoryAsync(Image(service));
        }

        await DockerImages.RemoveRepositoryAsync(BaseImage);
        _root.Dispose();
    }
}
