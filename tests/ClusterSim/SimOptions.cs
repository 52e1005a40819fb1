namespace ClusterSim;

/// <summary>How to start a <see cref="SimulatedCluster"/>.</summary>
public sealed record SimOptions
{
    /// <summary>The state directory; clients get it as MINIKUBE_HOME. Created when missing.</summary>
    public required string MinikubeHome { get; init; }

    /// <summary>The minikube profile, also the kube context, cluster, user and node name.</summary>
    public string Profile { get; init; } = "minikube";

    /// <summary>How long a container takes from creation to Running and ready.</summary>
    public TimeSpan PodStartDelay { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>The server's minor version: /version says v1.&lt;minor&gt;.0, which picks kubectl.1.&lt;minor&gt; in the gcloud dispatcher.</summary>
    public string KubernetesMinor { get; init; } = "32";
}

/// <summary>The state of the profile's node, as `minikube status` reports it.</summary>
public enum ProfileState
{
    Running,
    Stopped,
}
