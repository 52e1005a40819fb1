namespace ClusterSim.Node;

/// <summary>An image in the node's container runtime. <paramref name="RepoDigests"/> are "host/repo@sha256:..." entries a pull (or push) recorded.</summary>
public sealed record NodeImage(string Id, long Size, IReadOnlyDictionary<string, string> Labels, DateTimeOffset Created, IReadOnlyList<string>? RepoDigests = null)
{
    public IReadOnlyList<string> Digests => RepoDigests ?? [];
}

/// <summary>An image with the tags that point to it (none for a dangling image).</summary>
public sealed record TaggedImage(NodeImage Image, IReadOnlyList<string> Tags);

/// <summary>What `docker rmi REF` did on the node.</summary>
internal enum RemoveOutcome
{
    NoSuchImage,
    Untagged,
    Deleted,
    Conflict,
}

/// <summary>What the node's `docker load` (or `ctr images import`) of one archive did.</summary>
internal sealed record LoadResult(long Bytes, IReadOnlyList<string> Loaded);

/// <summary>A container the kubelet creates: named as the kubelet names docker containers (k8s_NAME_POD_NS_UID_ATTEMPT).</summary>
internal sealed record ContainerRequest(string PodUid, string PodName, string Namespace, string ContainerName, int Attempt)
{
    public string DockerName => $"k8s_{ContainerName}_{PodName}_{Namespace}_{PodUid}_{Attempt}";
}

/// <summary>
/// The container runtime inside the node, as the kubelet and the minikube CLI use it: images by ID and tag, and the
/// containers the kubelet created from them. Two implementations: <see cref="DockerEngine"/> keeps everything in
/// this process (the default), <see cref="DaemonEngine"/> is a real dockerd the user's docker CLI can reach
/// (minikube docker-env). Every reference is normalised the docker way ("app" is docker.io/library/app:latest).
/// </summary>
internal interface INodeEngine : IAsyncDisposable
{
    /// <summary>Raised after images changed through this engine (load, remove, pull), to wake the controllers.</summary>
    event Action? Changed;

    /// <summary>How many images `docker load` brought in so far (each loaded image counts once).</summary>
    int LoadCount { get; }

    /// <summary>The image a reference (tag, "repo@sha256:digest" or image ID) resolves to, or null.</summary>
    NodeImage? Inspect(string reference);

    /// <summary>The images with their normalised tags, as `docker images` lists them (grouped per image).</summary>
    IReadOnlyList<TaggedImage> List();

    /// <summary>`docker rmi REF` without --force; <paramref name="message"/> is what the docker CLI would print.</summary>
    RemoveOutcome Remove(string reference, out string message);

    /// <summary>`docker load` of a `docker save` archive streamed in; reads the whole stream.</summary>
    Task<LoadResult> LoadAsync(Stream archive, long? sizeHint, CancellationToken cancel);

    /// <summary>Records an image the kubelet pulled from a registry, tagged <paramref name="tag"/> when the reference had one.</summary>
    void AddPulled(NodeImage image, string? tag);

    /// <summary>Creates (never starts) a container from an image; returns its 64-hex ID.</summary>
    string CreateContainer(ContainerRequest request, NodeImage image);

    /// <summary>Removes the containers of a pod the kubelet has finished with.</summary>
    void RemoveContainers(string podUid);
}

internal static class NodeEngineExtensions
{
    /// <summary>Normalised tag -> image ID.</summary>
    public static IReadOnlyDictionary<string, string> Tags(this INodeEngine engine) =>
        engine.List().SelectMany(i => i.Tags.Select(t => (Tag: t, i.Image.Id))).ToDictionary(p => p.Tag, p => p.Id, StringComparer.Ordinal);
}
