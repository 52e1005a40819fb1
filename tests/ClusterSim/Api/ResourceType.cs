namespace ClusterSim.Api;

/// <summary>A subresource as discovery lists it (deployments/scale, pods/log, ...).</summary>
internal sealed record Subresource(string Name, string Group, string Version, string Kind, string[] Verbs);

/// <summary>One REST resource the simulated API server serves, with what discovery says about it.</summary>
internal sealed record ResourceType(
    string Group,
    string Version,
    string Plural,
    string Singular,
    string Kind,
    bool Namespaced,
    string[] Verbs,
    string[] ShortNames,
    string[] Categories,
    Subresource[] Subresources)
{
    public string GroupVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>How the server names the resource in messages: "deployments.apps", "pods".</summary>
    public string QualifiedName => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    /// <summary>How validation errors name the kind: "Deployment.apps", "Pod".</summary>
    public string QualifiedKind => Group.Length == 0 ? Kind : $"{Kind}.{Group}";

    public bool HasSubresource(string name) => Subresources.Any(s => s.Name == name);

    /// <summary>Whether metadata.generation counts spec changes (the apps/v1 workloads).</summary>
    public bool TracksGeneration => Group == "apps";

    /// <summary>The update strategy's AllowUnconditionalUpdate: a PUT without metadata.resourceVersion overwrites (false: it is refused).</summary>
    public bool AllowUnconditionalUpdate { get; init; } = true;

    /// <summary>The update strategy's AllowCreateOnUpdate: a PUT to a name that does not exist creates the object.</summary>
    public bool AllowCreateOnUpdate { get; init; }
}

internal static class ResourceTypes
{
    private static readonly string[] AllVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
    private static readonly string[] StatusVerbs = ["get", "patch", "update"];

    public static readonly ResourceType Namespaces = new(
        "", "v1", "namespaces", "namespace", "Namespace", false,
        ["create", "delete", "get", "list", "patch", "update", "watch"], ["ns"], [],
        [new("status", "", "v1", "Namespace", StatusVerbs)]);

    public static readonly ResourceType Nodes = new(
        "", "v1", "nodes", "node", "Node", false, ["get", "list", "watch"], ["no"], [],
        [new("proxy", "", "v1", "NodeProxyOptions", ["create", "delete", "get", "patch", "update"]), new("status", "", "v1", "Node", StatusVerbs)]);

    public static readonly ResourceType Pods = new(
        "", "v1", "pods", "pod", "Pod", true, AllVerbs, ["po"], ["all"],
        [new("log", "", "v1", "Pod", ["get"]), new("status", "", "v1", "Pod", StatusVerbs)]);

    public static readonly ResourceType Events = new(
        "", "v1", "events", "event", "Event", true, AllVerbs, ["ev"], [], []);

    public static readonly ResourceType Secrets = new(
        "", "v1", "secrets", "secret", "Secret", true, AllVerbs, [], [], []);

    public static readonly ResourceType ConfigMaps = new(
        "", "v1", "configmaps", "configmap", "ConfigMap", true, AllVerbs, ["cm"], [], []);

    public static readonly ResourceType ServiceAccounts = new(
        "", "v1", "serviceaccounts", "serviceaccount", "ServiceAccount", true, AllVerbs, ["sa"], [], []);

    public static readonly ResourceType Deployments = new(
        "apps", "v1", "deployments", "deployment", "Deployment", true, AllVerbs, ["deploy"], ["all"],
        [new("scale", "autoscaling", "v1", "Scale", StatusVerbs), new("status", "apps", "v1", "Deployment", StatusVerbs)]);

    public static readonly ResourceType ReplicaSets = new(
        "apps", "v1", "replicasets", "replicaset", "ReplicaSet", true, AllVerbs, ["rs"], ["all"],
        [new("scale", "autoscaling", "v1", "Scale", StatusVerbs), new("status", "apps", "v1", "ReplicaSet", StatusVerbs)]);

    /// <summary>coordination.k8s.io/v1 Leases: the lease strategy refuses unconditional updates and allows create on update (pkg/registry/coordination/lease/strategy.go).</summary>
    public static readonly ResourceType Leases = new(
        "coordination.k8s.io", "v1", "leases", "lease", "Lease", true, AllVerbs, [], [], [])
    {
        AllowUnconditionalUpdate = false,
        AllowCreateOnUpdate = true,
    };

    public static readonly IReadOnlyList<ResourceType> All = [Namespaces, Nodes, Pods, Events, Secrets, ConfigMaps, ServiceAccounts, Deployments, ReplicaSets, Leases];

    public static ResourceType? Find(string group, string version, string plural) =>
        All.FirstOrDefault(t => t.Group == group && t.Version == version && t.Plural == plural);

    public static IEnumerable<string> Groups => All.Select(t => t.Group).Where(g => g.Length > 0).Distinct();
}
