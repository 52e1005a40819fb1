using System.Text.Json.Nodes;
using Build.Tests.Infrastructure;
using ClusterSim;
using TestSupport;

namespace Build.Tests.Pipeline;

/// <summary>
/// A team's repository next to a simulated minikube profile: two services (bot, web) with tiny images of their own
/// (unique names, so parallel tests never share one), their manifests, a services file, and the simulated cluster
/// the real kubectl and the minikube wrapper talk to. The build runs as a child process, as ./build.sh would.
/// </summary>
public sealed class PipelineWorkspace : IAsyncDisposable
{
    public const string Namespace = "coin-pilot-ns";

    private readonly TempDirectory _root;
    private readonly string _prefix = "cpt-" + Guid.NewGuid().ToString("N")[..8];

    private PipelineWorkspace(TempDirectory root, SimulatedCluster cluster)
    {
        _root = root;
        Cluster = cluster;
        foreach (var service in Services)
        {
            _root.WriteFile($"project/{service}/content.txt", $"{service} version 1 of {_prefix}\n"); // no layer shared with another test's images
            WriteDockerfile(service);
            WriteManifest(service, "IfNotPresent");
        }

        _root.WriteFile("project/k8s/namespace.yaml", KubernetesManifests.Namespace(Namespace));
        WriteConfig();
    }

    public static readonly string[] Services = ["bot", "web"];

    public SimulatedCluster Cluster { get; }

    public string ConfigFile => _root.Combine("project", "redeploy.json");

    /// <summary>The environment the build runs with: the cluster's client environment, an empty HOME, a private TMPDIR.</summary>
    public Dictionary<string, string?> Environment
    {
        get
        {
            var environment = Cluster.ClientEnvironment.ToDictionary(p => p.Key, p => (string?)p.Value);
            environment["HOME"] = _root.Combine("home");
            environment["TMPDIR"] = _root.Combine("tmp");
            environment["DOTNET_CLI_HOME"] = System.Environment.GetEnvironmentVariable("HOME");
            environment["DOCKER_CONFIG"] = null;
            environment["COINPILOT_KEEP_DOCKER_CREDS"] = null;
            return environment;
        }
    }

    /// <summary>A workspace whose manifests are applied and redeployed once (the images at their id- tags, all pods running).</summary>
    public static async Task<PipelineWorkspace> DeployedAsync()
    {
        var workspace = await StartAsync();
        await workspace.ApplyManifestsAsync();
        var run = await workspace.RunAsync("--target=Redeploy");
        if (run.ExitCode != 0)
        {
            await workspace.DisposeAsync();
            throw new InvalidOperationException("the first Redeploy failed: " + run);
        }

        return workspace;
    }

    /// <summary>The build's environment for another user of the cluster: another HOME (so another lock file and cache).</summary>
    public Dictionary<string, string?> EnvironmentOf(string user)
    {
        var environment = Environment;
        environment["HOME"] = _root.Combine("home-" + user);
        return environment;
    }

    /// <param name="customize">Changes to the simulated cluster's options (a docker-env node, a remote cluster, another runtime).</param>
    public static async Task<PipelineWorkspace> StartAsync(Func<SimOptions, SimOptions>? customize = null)
    {
        DockerDaemon.Require();
        Requirements.RequireTool("kubectl", "the gcloud SDK's kubectl dispatcher, or any kubectl 1.29-1.33");
        var root = new TempDirectory("pipeline");
        Directory.CreateDirectory(root.Combine("home"));
        Directory.CreateDirectory(root.Combine("tmp"));
        var options = new SimOptions
        {
            MinikubeHome = root.Combine("minikube"),
            PodStartDelay = TimeSpan.FromMilliseconds(200),
            KubeletBackOff = TimeSpan.FromSeconds(1), // the kubelet's 10 s, scaled down: a crash loop reaches its third exit in about 1 s
        };
        var cluster = await SimulatedCluster.StartAsync(customize?.Invoke(options) ?? options);
        return new PipelineWorkspace(root, cluster);
    }

    public string Image(string service) => $"{_prefix}-{service}";

    /// <summary>Runs the build with this workspace's services file and environment.</summary>
    public Task<ProcessResult> RunAsync(params string[] arguments) =>
        BuildProcess.RunAsync([$"--config={ConfigFile}", .. arguments], Environment);

    /// <summary>Starts the build and returns at once, so a test can watch its output, signal it or start another.</summary>
    public RunningBuild Start(params string[] arguments) => BuildProcess.Start([$"--config={ConfigFile}", .. arguments], Environment);

    /// <summary>A path in the team's repository (where the services file, the contexts and the manifests are).</summary>
    public string ProjectPath(params string[] parts) => _root.Combine(["project", .. parts]);

    public Task<ProcessResult> KubectlAsync(params string[] arguments) =>
        ProcessRunner.RunAsync("kubectl", arguments, Environment, _root.Path, TimeSpan.FromSeconds(60));

    /// <summary>Applies the namespace and both deployments, as they stand in the manifests (images at :latest).</summary>
    public async Task ApplyManifestsAsync()
    {
        foreach (var file in new[] { "namespace.yaml", "bot.yaml", "web.yaml" })
        {
            var result = await KubectlAsync("apply", "-f", _root.Combine("project", "k8s", file));
            if (result.ExitCode != 0)
            {
                throw new InvalidOperationException(result.ToString());
            }
        }
    }

    /// <summary>Changes what a service's image contains.</summary>
    public void Change(string service) =>
        File.WriteAllText(_root.Combine("project", service, "content.txt"), $"{service} version {Guid.NewGuid()}\n");

    /// <summary>Rewrites a service's Dockerfile with image labels, e.g. the simulation's io.clustersim.exit-code.</summary>
    public void WriteDockerfile(string service, params (string Name, string Value)[] labels) =>
        _root.WriteFile($"project/{service}/Dockerfile",
            "FROM scratch\nCOPY content.txt /content.txt\n" + string.Concat(labels.Select(l => $"LABEL {l.Name}=\"{l.Value}\"\n")));

    public void WriteManifest(string service, string pullPolicy, int progressDeadlineSeconds = 600) =>
        _root.WriteFile($"project/k8s/{service}.yaml", KubernetesManifests.Deployment(service, $"{Image(service)}:latest", pullPolicy, Namespace, progressDeadlineSeconds));

    /// <summary>
    /// The services file. Delivery is load unless said otherwise: the default simulated node keeps its images in the
    /// simulation's process, where no docker CLI can build (docker-env tests start a cluster with a real node daemon).
    /// </summary>
    public void WriteConfig(string kubeContext = "minikube", string imageDelivery = "load", string? registry = null) =>
        _root.WriteFile("project/redeploy.json", $$"""
            {
              "namespace": "{{Namespace}}",
              "kubeContext": "{{kubeContext}}",
              "minikubeProfile": "minikube",
              "imageDelivery": "{{imageDelivery}}",{{(registry is null ? "" : $"\n  \"registry\": \"{registry}\",")}}
              "manifests": ["k8s/namespace.yaml", "k8s/bot.yaml", "k8s/web.yaml"],
              "services": [
                { "name": "bot", "image": "{{Image("bot")}}", "context": "bot" },
                { "name": "web", "image": "{{Image("web")}}", "context": "web" }
              ]
            }
            """);

    /// <summary>The image ID docker has for the service's :latest (what the last build made), or null.</summary>
    public async Task<string?> BuiltImageIdAsync(string service)
    {
        var result = await ProcessRunner.RunAsync("docker", ["image", "inspect", "--format", "{{.Id}}", Image(service) + ":latest"]);
        return result.ExitCode == 0 ? result.StandardOutput.Trim() : null;
    }

    /// <summary>The image IDs the service's pods (not being deleted) report.</summary>
    public IReadOnlyList<string> PodImageIds(string service) =>
        Cluster.GetPods(Namespace, $"app={service}")
            .Where(pod => pod["metadata"]?["deletionTimestamp"] is null)
            .SelectMany(pod => pod["status"]?["containerStatuses"]?.AsArray() ?? [])
            .Select(status => (string?)status?["imageID"] ?? "")
            .ToList();

    public string? DeploymentImage(string service) =>
        (string?)Cluster.GetDeployment(Namespace, service)?["spec"]?["template"]?["spec"]?["containers"]?[0]?["image"];

    /// <summary>How many times a rollout of the deployment started (a new or revived replica set).</summary>
    public int Rollouts(string service) => Cluster.GetActivity(Namespace, service).Rollouts;

    /// <summary>The minikube image load calls so far.</summary>
    public int ImageLoads => Cluster.MinikubeCalls.Count(call => call.Arguments.Contains("image") && call.Arguments.Contains("load"));

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        foreach (var service in Services)
        {
            await DockerImages.RemoveRepositoryAsync(Image(service));
        }

        _root.Dispose();
    }
}
