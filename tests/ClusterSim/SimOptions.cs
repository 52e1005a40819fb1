namespace ClusterSim;

/// <summary>How to start a <see cref="SimulatedCluster"/>.</summary>
public sealed record SimOptions
{
    /// <summary>The state directory; clients get it as MINIKUBE_HOME. Created when missing.</summary>
    public required string MinikubeHome { get; init; }

    /// <summary>The minikube profile, also the kube context, cluster, user and node name (for a <see cref="ClusterKind.Minikube"/> cluster).</summary>
    public string Profile { get; init; } = "minikube";

    /// <summary>How long a container takes from creation to Running and ready.</summary>
    public TimeSpan PodStartDelay { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>
    /// The kubelet's backOffPeriod (10 s in the real one): the first step of the restart back-off (CrashLoopBackOff)
    /// and of the image pull back-off (ImagePullBackOff), which double up to 30 times it (5 min), and the wait before
    /// a failed pod sync is retried (CreateContainerConfigError, InvalidImageName, ErrImageNeverPull). Tests make it
    /// small to see several restarts quickly.
    /// </summary>
    public TimeSpan KubeletBackOff { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The server's minor version: /version says v1.&lt;minor&gt;.0, which picks kubectl.1.&lt;minor&gt; in the gcloud dispatcher.</summary>
    public string KubernetesMinor { get; init; } = "32";

    /// <summary>A minikube profile (the default), or a cluster that is not one (<see cref="ContextName"/>, pulls from registries).</summary>
    public ClusterKind Kind { get; init; } = ClusterKind.Minikube;

    /// <summary>The kube context (and cluster and user) of a <see cref="ClusterKind.Remote"/> cluster.</summary>
    public string ContextName { get; init; } = "shared-dev";

    /// <summary>Where the node keeps images and containers: in this process (default), or a real dockerd (minikube docker-env works).</summary>
    public NodeRuntime NodeRuntime { get; init; } = NodeRuntime.Simulated;

    /// <summary>The profile's container runtime: "docker" (default), "containerd" or "cri-o" (KubernetesConfig.ContainerRuntime).</summary>
    public string ContainerRuntime { get; init; } = "docker";

    /// <summary>The profile's driver as its config records it: "docker" (default) or "none" (docker-env refuses it).</summary>
    public string Driver { get; init; } = "docker";

    /// <summary>How many nodes the profile's config lists (more than one makes docker-env refuse). Pods still run on the first.</summary>
    public int Nodes { get; init; } = 1;

    /// <summary>How long each `minikube` call takes: as fast as it can (default), or what the real one takes on the docker driver.</summary>
    public MinikubeLatency MinikubeLatency { get; init; } = MinikubeLatency.Fast;
}

/// <summary>What a `minikube` call of the simulation costs.</summary>
public enum MinikubeLatency
{
    /// <summary>Only what the simulation itself needs (a .NET process start and the work).</summary>
    Fast,

    /// <summary>
    /// Each call lasts, from process start to exit, what the real minikube v1.38 takes on the docker driver: status
    /// 0.3 s (0.15 s stopped), profile list 0.5 s (0.1 s with --light), image ls and image rm 0.8 s, docker-env
    /// 0.4 s, image load 1 s plus the transfer, version 0.05 s.
    /// </summary>
    Real,
}

/// <summary>What kind of cluster a <see cref="SimulatedCluster"/> is.</summary>
public enum ClusterKind
{
    /// <summary>A minikube profile: profile config in MINIKUBE_HOME, minikube kubeconfig entries, node labelled minikube.</summary>
    Minikube,

    /// <summary>
    /// A shared cluster that is not a minikube profile: a kubeconfig with <see cref="SimOptions.ContextName"/>, no profile
    /// (`minikube -p NAME status` says it does not exist), and a kubelet that pulls from registries on this machine's
    /// loopback with the pods' image pull secrets.
    /// </summary>
    Remote,
}

/// <summary>Where the node's images and containers live.</summary>
public enum NodeRuntime
{
    /// <summary>An in-process image store (fast; `minikube docker-env` cannot point a docker CLI at it).</summary>
    Simulated,

    /// <summary>
    /// A real dockerd started for the cluster (vfs storage, no networking, needs root), on 127.0.0.1 over TCP with TLS
    /// certificates in minikube's layout: `minikube docker-env` prints its environment, the kubelet runs its images.
    /// </summary>
    DockerDaemon,
}

/// <summary>The state of the profile's node, as `minikube status` reports it.</summary>
public enum ProfileState
{
    Running,
    Stopped,
}
