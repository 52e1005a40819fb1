using System.Text.Json.Nodes;
using ClusterSim.Api;
using ClusterSim.Controllers;
using ClusterSim.Minikube;
using ClusterSim.Node;
using ClusterSim.Store;

namespace ClusterSim;

/// <summary>
/// A simulated minikube profile: the Kubernetes API server on 127.0.0.1 (driven by the real kubectl), the
/// controllers and kubelet behind it, the node's Docker image store, and a `minikube` CLI wrapper that loads
/// images into that store with the real docker CLI. Start one per test; dispose to stop it.
/// </summary>
public sealed class SimulatedCluster : IAsyncDisposable
{
    private readonly ObjectStore store = new();
    private readonly DockerEngine docker;
    private readonly ClusterActivity activity = new();
    private readonly ApiServer apiServer;
    private readonly NodeServer nodeServer;
    private readonly ControllerLoop controllers;
    private readonly MinikubeHome home;
    private readonly SemaphoreSlim stateLock = new(1, 1);

    private SimulatedCluster(SimOptions options)
    {
        Options = options;
        home = new MinikubeHome(Path.GetFullPath(options.MinikubeHome));
        docker = new DockerEngine(KubernetesVersion);
        var events = new EventRecorder(store);
        var kubelet = new Kubelet(store, docker, events, activity, options.Profile, options.PodStartDelay);
        apiServer = new ApiServer(store, new ResourceHandler(store, kubelet), new Discovery(options.KubernetesMinor, $"{Kubelet.NodeIp}:8443"));
        nodeServer = new NodeServer(docker, NodeState);
        controllers = new ControllerLoop(store, docker,
            new DeploymentController(store, events, activity),
            new ReplicaSetController(store, events, activity),
            kubelet,
            new GarbageCollector(store));
        BinDirectory = Path.Combine(home.Path, "bin");
        KubeconfigPath = Path.Combine(home.Path, "kubeconfig");
    }

    public SimOptions Options { get; }

    /// <summary>http://127.0.0.1:PORT, the API server (the port stays the same across stop and start).</summary>
    public string ServerUrl => $"http://127.0.0.1:{apiServer.Port}";

    /// <summary>A kubeconfig whose cluster, context and user are named after the profile (the current context).</summary>
    public string KubeconfigPath { get; }

    /// <summary>Holds the `minikube` wrapper script.</summary>
    public string BinDirectory { get; }

    /// <summary>PATH (with <see cref="BinDirectory"/> first), KUBECONFIG, MINIKUBE_HOME and a private KUBECACHEDIR for client processes.</summary>
    public IReadOnlyDictionary<string, string> ClientEnvironment { get; private set; } = new Dictionary<string, string>();

    public string KubernetesVersion => $"v1.{Options.KubernetesMinor}.0";

    public ProfileState State { get; private set; } = ProfileState.Running;

    public static async Task<SimulatedCluster> StartAsync(SimOptions options)
    {
        var cluster = new SimulatedCluster(options);
        await cluster.StartCoreAsync();
        return cluster;
    }

    private async Task StartCoreAsync()
    {
        Directory.CreateDirectory(home.ProfileDirectory(Options.Profile));
        Directory.CreateDirectory(BinDirectory);
        SeedObjects();
        await apiServer.StartAsync(0);
        await nodeServer.StartAsync();
        controllers.Start();

        await File.WriteAllTextAsync(home.ConfigFile(Options.Profile),
            MinikubeHome.NewConfig(Options.Profile, KubernetesVersion).ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        await File.WriteAllTextAsync(home.NodeFile(Options.Profile), Json.Serialize(new JsonObject { ["nodeUrl"] = nodeServer.Url }));
        await File.WriteAllTextAsync(KubeconfigPath, Minikube.Kubeconfig.Render(Options.Profile, ServerUrl, MinikubeCli.Version, DateTimeOffset.UtcNow));
        WriteWrapper();

        var cacheDirectory = Path.Combine(home.Path, "kube-cache");
        Directory.CreateDirectory(cacheDirectory);
        ClientEnvironment = new Dictionary<string, string>
        {
            ["PATH"] = BinDirectory + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH"),
            ["KUBECONFIG"] = KubeconfigPath,
            ["MINIKUBE_HOME"] = home.Path,
            ["KUBECACHEDIR"] = cacheDirectory,
        };
    }

    /// <summary>The `minikube` wrapper: runs this assembly's minikube command with the dotnet host that runs us.</summary>
    private void WriteWrapper()
    {
        var assembly = typeof(SimulatedCluster).Assembly.Location;
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath
            ? hostPath
            : Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
        var script = Path.Combine(BinDirectory, "minikube");
        File.WriteAllText(script, $"#!/bin/sh\nexec \"{dotnet}\" \"{assembly}\" minikube \"$@\"\n");
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("the minikube wrapper is a POSIX shell script");
        }

        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
    }

    private void SeedObjects()
    {
        foreach (var ns in new[] { "default", "kube-node-lease", "kube-public", "kube-system" })
        {
            var namespaceObject = new JsonObject { ["metadata"] = new JsonObject { ["name"] = ns } };
            Defaults.Apply(ResourceTypes.Namespaces, namespaceObject);
            store.Create(ResourceTypes.Namespaces, namespaceObject);
        }

        store.Create(ResourceTypes.Nodes, new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["name"] = Options.Profile,
                ["labels"] = new JsonObject
                {
                    ["kubernetes.io/hostname"] = Options.Profile,
                    ["kubernetes.io/os"] = "linux",
                    ["kubernetes.io/arch"] = "amd64",
                    ["minikube.k8s.io/name"] = Options.Profile,
                    ["minikube.k8s.io/primary"] = "true",
                    ["minikube.k8s.io/version"] = MinikubeCli.Version,
                    ["node-role.kubernetes.io/control-plane"] = "",
                },
            },
            ["spec"] = new JsonObject { ["podCIDR"] = "10.244.0.0/24" },
            ["status"] = new JsonObject
            {
                ["addresses"] = new JsonArray(
                    new JsonObject { ["type"] = "InternalIP", ["address"] = Kubelet.NodeIp },
                    new JsonObject { ["type"] = "Hostname", ["address"] = Options.Profile }),
                ["conditions"] = new JsonArray(new JsonObject
                {
                    ["type"] = "Ready",
                    ["status"] = "True",
                    ["reason"] = "KubeletReady",
                    ["message"] = "kubelet is posting ready status",
                    ["lastHeartbeatTime"] = Json.Time(DateTimeOffset.UtcNow),
                    ["lastTransitionTime"] = Json.Time(DateTimeOffset.UtcNow),
                }),
                ["nodeInfo"] = new JsonObject
                {
                    ["kubeletVersion"] = KubernetesVersion,
                    ["kubeProxyVersion"] = KubernetesVersion,
                    ["containerRuntimeVersion"] = "docker://28.4.0",
                    ["osImage"] = "Ubuntu 22.04.5 LTS",
                    ["kernelVersion"] = Environment.OSVersion.Version.ToString(),
                    ["operatingSystem"] = "linux",
                    ["architecture"] = "amd64",
                },
            },
        });
    }

    private JsonObject NodeState() => new()
    {
        ["host"] = State.ToString(),
        ["apiServer"] = State.ToString(),
        ["apiServerUrl"] = ServerUrl,
    };

    /// <summary>
    /// Stops or starts the profile. Stopped: `minikube status` reports Stopped (exit 7), the API server refuses
    /// connections and nothing reconciles; the node's images and the objects are kept, as with `minikube stop`.
    /// </summary>
    public async Task SetProfileStateAsync(ProfileState state)
    {
        await stateLock.WaitAsync();
        try
        {
            if (state == State)
            {
                return;
            }

            if (state == ProfileState.Stopped)
            {
                controllers.Paused = true;
                await apiServer.StopAsync();
            }
            else
            {
                await apiServer.StartAsync(apiServer.Port);
                controllers.Paused = false;
            }

            State = state;
        }
        finally
        {
            stateLock.Release();
        }
    }

    /// <summary>While set, the API server accepts connections and requests but never answers.</summary>
    public void HangRequests(bool hang) => apiServer.Hang = hang;

    // ---- the node ----

    /// <summary>The node's tags (fully qualified, e.g. docker.io/library/app:latest) and the image ID (sha256:...) each points to.</summary>
    public IReadOnlyDictionary<string, string> NodeImages => docker.Tags;

    /// <summary>The image ID a reference resolves to on the node ("app" means docker.io/library/app:latest), or null.</summary>
    public string? NodeImageId(string reference) => docker.Inspect(reference)?.Id;

    /// <summary>The node's images with their tags, as `docker images` on the node would list them.</summary>
    public IReadOnlyList<TaggedImage> ListNodeImages() => docker.List();

    /// <summary>How many images the node's `docker load` brought in so far.</summary>
    public int ImageLoadCount => docker.LoadCount;

    /// <summary>Every `minikube` call made with this state directory, in order.</summary>
    public IReadOnlyList<MinikubeCall> MinikubeCalls => CallLog.Read(home);

    // ---- the objects ----

    public JsonObject? GetDeployment(string ns, string name) => store.Get(ResourceTypes.Deployments, ns, name);

    /// <summary>The ReplicaSets in a namespace, only those a deployment controls when <paramref name="deployment"/> is given.</summary>
    public IReadOnlyList<JsonObject> GetReplicaSets(string ns, string? deployment = null)
    {
        var uid = deployment is null ? null : GetDeployment(ns, deployment) is { } d ? Meta.Uid(d) : "";
        return store.List(ResourceTypes.ReplicaSets, ns).Where(rs => uid is null || Meta.ControllerUid(rs) == uid).ToList();
    }

    /// <summary>The pods in a namespace, filtered by a label selector ("app=bot") when given.</summary>
    public IReadOnlyList<JsonObject> GetPods(string ns, string? labelSelector = null)
    {
        var selector = LabelSelector.Parse(labelSelector);
        return store.List(ResourceTypes.Pods, ns).Where(selector.Matches).ToList();
    }

    public IReadOnlyList<JsonObject> GetEvents(string ns) => store.List(ResourceTypes.Events, ns);

    /// <summary>Rollouts (new or re-activated ReplicaSets), pods created and container restarts of one deployment so far.</summary>
    public DeploymentActivity GetActivity(string ns, string deployment) => activity.For(ns, deployment);

    /// <summary>Exceptions thrown inside the controllers (bugs of the simulation); tests can assert there are none.</summary>
    public IReadOnlyList<string> ControllerErrors => controllers.Errors;

    /// <summary>Polls <paramref name="condition"/> until it holds; throws TimeoutException with <paramref name="what"/> otherwise.</summary>
    public async Task WaitUntilAsync(Func<SimulatedCluster, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition(this))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out after {timeout.TotalSeconds:0.#}s waiting until {what}");
            }

            await Task.Delay(25);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await controllers.DisposeAsync();
        await apiServer.DisposeAsync();
        await nodeServer.DisposeAsync();
        File.Delete(home.NodeFile(Options.Profile));
    }
}
