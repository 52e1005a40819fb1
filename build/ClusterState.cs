using Build.Kubernetes;

namespace Build;

/// <summary>What Preflight read of the cluster before anything was built; later tasks work from it.</summary>
public sealed record ClusterState(IReadOnlyDictionary<string, DeploymentInfo> Deployments);
