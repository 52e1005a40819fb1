using System.Text.Json.Nodes;
using ClusterSim.Api;
using ClusterSim.Controllers;
using ClusterSim.Minikube;
using ClusterSim.Node;
using ClusterSim.Store;

namespace ClusterSim;

/// <summary>
/// A simulated cluster: the Kubernetes API server on 127.0.0.1 (driven by the real kubectl), the controllers and
/// kubelet behind it, the node's container runtime (in this process, or a real dockerd the user's docker CLI reaches
/// through `minikube docker-env`), and a `minikube` CLI wrapper that loads images into it with the real docker CLI.
/// By default a minikube profile; <see cref="ClusterKind.Remote"/> makes a cluster that is not one, whose kubelet
/// pulls from registries on this machine. Start one per test; dispose to stop it (and its dockerd).
/// </summary>
public sealed class SimulatedCluster : IAsyncDisposable
{
    private const string RemoteNodeIp = "10.0.0.12";

    private readonly ObjectStore store = new();
    private readonly INodeEngine docker;
    private readonly NodeDaemon? daemon;
    private readonly CertificatePaths? certificates;
    private readonly RegistryPuller? puller;
    private readonly ClusterActivity activity = new();
    private readonly ApiServer apiServer;
    private readonly NodeServer nodeServer;
    private readonly ControllerLoop controllers;
    private readonly MinikubeHome home;
    private readonly NodeIdentity node;
    private readonly SemaphoreSlim stateLock = new(1, 1);
    private readonly int sshPort;
    private bool deleted;

    private SimulatedCluster(SimOptions options, MinikubeHome home, INodeEngine engine, NodeDaemon? daemon, CertificatePaths? certificates)
    {
        Options = options;
        this.home = home;
        docker = engine;
        this.daemon = daemon;
        this.certificates = certificates;
        var remote = options.Kind == ClusterKind.Remote;
        node = new NodeIdentity(
            remote ? $"{options.ContextName}-node-1" : options.Profile,
            remote ? RemoteNodeIp : MinikubeNodeIp,
            options.ContainerRuntime,
            int.Parse(options.KubernetesMinor, System.Globalization.CultureInfo.InvariantCulture),
            NodeCapacity.Minikube);
        puller = remote ? new RegistryPuller() : null;
        var events = new EventRecorder(store);
        var kubelet = new Kubelet(store, docker, puller, events, activity, node, options.PodStartDelay, options.KubeletBackOff);
        apiServer = new ApiServer(store, new ResourceHandler(store, kubelet), new Discovery(options.KubernetesMinor, remote ? $"{RemoteNodeIp}:6443" : $"{MinikubeNodeIp}:8443"));
        nodeServer = new NodeServer(docker, NodeState);
        controllers = new ControllerLoop(store, docker,
            new DeploymentController(store, events, activity),
            new ReplicaSetController(store, events, activity),
            new Scheduler(store, events, node.Name),
            kubelet,
            new GarbageCollector(store));
        BinDirectory = Path.Combine(home.Path, "bin");
        KubeconfigPath = Path.Combine(home.Path, "kubeconfig");
        sshPort = 32768 + Random.Shared.Next(20000);
    }

    /// <summary>The IP a minikube node has on the docker driver's network.</summary>
    public const string MinikubeNodeIp = "192.168.49.2";

    public SimOptions Options { get; }

    /// <summary>The kube context (and cluster and user) the kubeconfig names: the profile, or the remote cluster's context.</summary>
    public string ContextName => Options.Kind == ClusterKind.Remote ? Options.ContextName : Options.Profile;

    /// <summary>The node's name: the profile for minikube, "&lt;context&gt;-node-1" for a remote cluster.</summary>
    public string NodeName => node.Name;

    /// <summary>http://127.0.0.1:PORT, the API server (the port stays the same across stop and start).</summary>
    public string ServerUrl => $"http://127.0.0.1:{apiServer.Port}";

    /// <summary>A kubeconfig whose cluster, context and user are named after <see cref="ContextName"/> (the current context).</summary>
    public string KubeconfigPath { get; }

    /// <summary>Holds the `minikube` wrapper script.</summary>
    public string BinDirectory { get; }

    /// <summary>PATH (with <see cref="BinDirectory"/> first), KUBECONFIG, MINIKUBE_HOME and a private KUBECACHEDIR for client processes.</summary>
    public IReadOnlyDictionary<string, string> ClientEnvironment { get; private set; } = new Dictionary<string, string>();

    /// <summary>
    /// With <see cref="NodeRuntime.DockerDaemon"/>: DOCKER_HOST (tcp://127.0.0.1:PORT), DOCKER_TLS_VERIFY=1 and
    /// DOCKER_CERT_PATH ($MINIKUBE_HOME/certs) for the node's dockerd, what `minikube docker-env` prints; else empty.
    /// </summary>
    public IReadOnlyDictionary<string, string> NodeDockerEnvironment => daemon is null || certificates is null
        ? new Dictionary<string, string>()
        : new Dictionary<string, string>
        {
            ["DOCKER_TLS_VERIFY"] = "1",
            ["DOCKER_HOST"] = daemon.TcpUrl,
            ["DOCKER_CERT_PATH"] = certificates.CertDirectory,
        };

    public string KubernetesVersion => $"v1.{Options.KubernetesMinor}.0";

    public ProfileState State { get; private set; } = ProfileState.Running;

    /// <summary>Why <see cref="NodeRuntime.DockerDaemon"/> cannot run here (not root, no dockerd), or null: tests skip on it.</summary>
    public static string? DockerDaemonProblem => NodeDaemon.Problem();

    public static async Task<SimulatedCluster> StartAsync(SimOptions options)
    {
        Validate(options);
        var home = new MinikubeHome(Path.GetFullPath(options.MinikubeHome));
        Directory.CreateDirectory(home.Path);
        var version = $"v1.{options.KubernetesMinor}.0";
        NodeDaemon? daemon = null;
        CertificatePaths? certificates = null;
        INodeEngine engine;
        try
        {
            if (options.NodeRuntime == NodeRuntime.DockerDaemon)
            {
                certificates = DockerCertificates.Ensure(home.Path, options.Profile, MinikubeNodeIp);
                daemon = await NodeDaemon.StartAsync(certificates);
                engine = await DaemonEngine.CreateAsync(daemon.Api, version);
            }
            else
            {
                engine = new DockerEngine(version, options.ContainerRuntime);
            }

            var cluster = new SimulatedCluster(options, home, engine, daemon, certificates);
            try
            {
                await cluster.StartCoreAsync();
            }
            catch
            {
                await cluster.DisposeAsync();
                throw;
            }

            return cluster;
        }
        catch when (daemon is not null)
        {
            await daemon.DisposeAsync();
            throw;
        }
    }

    private static void Validate(SimOptions options)
    {
        if (options.ContainerRuntime is not ("docker" or "containerd" or "cri-o"))
        {
            throw new ArgumentException($"ContainerRuntime must be docker, containerd or cri-o, not {options.ContainerRuntime}", nameof(options));
        }

        if (options.Driver is not ("docker" or "none"))
        {
            throw new ArgumentException($"Driver must be docker or none, not {options.Driver}", nameof(options));
        }

        if (options.Nodes < 1)
        {
            throw new ArgumentException("Nodes must be at least 1", nameof(options));
        }

        if (options.NodeRuntime == NodeRuntime.DockerDaemon && (options.ContainerRuntime != "docker" || options.Kind != ClusterKind.Minikube))
        {
            throw new ArgumentException("NodeRuntime.DockerDaemon is a minikube profile's docker runtime: it needs ContainerRuntime \"docker\" and ClusterKind.Minikube", nameof(options));
        }
    }

    private async Task StartCoreAsync()
    {
        Directory.CreateDirectory(BinDirectory);
        SeedObjects();
        await apiServer.StartAsync(0);
        await nodeServer.StartAsync();
        controllers.Start();

        if (Options.Kind == ClusterKind.Minikube)
        {
            home.SaveConfig(Options.Profile, MinikubeHome.NewConfig(Options.Profile, KubernetesVersion, Options.ContainerRuntime, Options.Driver, Options.Nodes));
            await File.WriteAllTextAsync(home.NodeFile(Options.Profile), Json.Serialize(new JsonObject
            {
                ["nodeUrl"] = nodeServer.Url,
                [Latency.SettingKey] = Options.MinikubeLatency == MinikubeLatency.Real ? "real" : "fast",
            }));
            await File.WriteAllTextAsync(KubeconfigPath, Minikube.Kubeconfig.Render(Options.Profile, ServerUrl, MinikubeCli.Version, DateTimeOffset.UtcNow));
        }
        else
        {
            await File.WriteAllTextAsync(KubeconfigPath, Minikube.Kubeconfig.RenderRemote(Options.ContextName, ServerUrl));
        }

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
            store.Create(ResourceTypes.ServiceAccounts, new JsonObject { ["metadata"] = new JsonObject { ["name"] = "default", ["namespace"] = ns } });
        }

        var labels = new JsonObject
        {
            ["kubernetes.io/hostname"] = node.Name,
            ["kubernetes.io/os"] = "linux",
            ["kubernetes.io/arch"] = "amd64",
        };
        if (Options.Kind == ClusterKind.Minikube)
        {
            labels["minikube.k8s.io/name"] = Options.Profile;
            labels["minikube.k8s.io/primary"] = "true";
            labels["minikube.k8s.io/version"] = MinikubeCli.Version;
            labels["node-role.kubernetes.io/control-plane"] = "";
        }

        store.Create(ResourceTypes.Nodes, new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["name"] = node.Name,
                ["labels"] = labels,
            },
            ["spec"] = new JsonObject { ["podCIDR"] = "10.244.0.0/24" },
            ["status"] = new JsonObject
            {
                ["capacity"] = node.Capacity.Quantities(),
                ["allocatable"] = node.Capacity.Quantities(),
                ["addresses"] = new JsonArray(
                    new JsonObject { ["type"] = "InternalIP", ["address"] = node.Ip },
                    new JsonObject { ["type"] = "Hostname", ["address"] = node.Name }),
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
                    ["containerRuntimeVersion"] = Options.ContainerRuntime switch
                    {
                        "containerd" => "containerd://1.7.27",
                        "cri-o" => "cri-o://1.29.1",
                        _ => "docker://28.4.0",
                    },
                    ["osImage"] = "Ubuntu 22.04.5 LTS",
                    ["kernelVersion"] = Environment.OSVersion.Version.ToString(),
                    ["operatingSystem"] = "linux",
                    ["architecture"] = "amd64",
                },
            },
        });
    }

    /// <summary>What the minikube CLI learns from the node: its state, and where its dockerd and (pretend) SSH server listen.</summary>
    private JsonObject NodeState() => new()
    {
        ["host"] = State.ToString(),
        ["apiServer"] = State.ToString(),
        ["apiServerUrl"] = ServerUrl,
        ["dockerHost"] = daemon?.TcpUrl,
        ["sshPort"] = sshPort,
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
            if (deleted)
            {
                throw new InvalidOperationException($"the profile {Options.Profile} was deleted");
            }

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

    /// <summary>
    /// What `minikube delete` leaves: the profile is stopped for good (the API server refuses connections, nothing
    /// reconciles), $MINIKUBE_HOME/profiles/PROFILE is removed, and so are the kubeconfig's cluster, context and user
    /// of that name (current-context emptied when it named them). The node's images and the cluster's objects stay
    /// in memory until dispose, unreachable.
    /// </summary>
    public async Task DeleteProfileAsync()
    {
        RequireProfile();
        await SetProfileStateAsync(ProfileState.Stopped);
        deleted = true;
        Directory.Delete(home.ProfileDirectory(Options.Profile), recursive: true);
        Minikube.Kubeconfig.RemoveProfile(KubeconfigPath, Options.Profile);
    }

    /// <summary>
    /// Rewrites the container runtime the profile's config.json records (KubernetesConfig.ContainerRuntime and each
    /// node's), as if the profile had been recreated with `--container-runtime=RUNTIME`; the node itself is unchanged.
    /// Commands that read the config (profile list, image ls, docker-env) follow it.
    /// </summary>
    public void SetProfileContainerRuntime(string runtime)
    {
        RequireProfile();
        if (runtime is not ("docker" or "containerd" or "cri-o"))
        {
            throw new ArgumentException($"the runtime must be docker, containerd or cri-o, not {runtime}", nameof(runtime));
        }

        var config = home.LoadConfig(Options.Profile) ?? throw new InvalidOperationException($"the profile {Options.Profile} has no readable config.json");
        config.Child("KubernetesConfig")["ContainerRuntime"] = runtime;
        foreach (var node in config.Arr("Nodes").Objects())
        {
            node["ContainerRuntime"] = runtime;
        }

        home.SaveConfig(Options.Profile, config);
    }

    private void RequireProfile()
    {
        if (Options.Kind != ClusterKind.Minikube || deleted)
        {
            throw new InvalidOperationException(deleted ? $"the profile {Options.Profile} was deleted" : "a remote cluster has no minikube profile");
        }
    }

    /// <summary>While set, the API server accepts connections and requests but never answers.</summary>
    public void HangRequests(bool hang) => apiServer.Hang = hang;

    // ---- the node ----

    /// <summary>The node's tags (fully qualified, e.g. docker.io/library/app:latest) and the image ID (sha256:...) each points to.</summary>
    public IReadOnlyDictionary<string, string> NodeImages => docker.Tags();

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

    /// <summary>A coordination.k8s.io/v1 Lease (a lock a tool keeps in the cluster), or null.</summary>
    public JsonObject? GetLease(string ns, string name) => store.Get(ResourceTypes.Leases, ns, name);

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
        puller?.Dispose();
        await docker.DisposeAsync();
        if (daemon is not null)
        {
            await daemon.DisposeAsync();
        }

        if (Options.Kind == ClusterKind.Minikube && !deleted)
        {
            File.Delete(home.NodeFile(Options.Profile));
        }
    }
}
