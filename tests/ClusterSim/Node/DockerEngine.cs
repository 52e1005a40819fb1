using System.Security.Cryptography;
using System.Text;

namespace ClusterSim.Node;

/// <summary>An image in the node's Docker engine.</summary>
public sealed record NodeImage(string Id, long Size, IReadOnlyDictionary<string, string> Labels, DateTimeOffset Created);

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

/// <summary>
/// The Docker engine inside the minikube node (the docker container runtime): images by ID, tags that point to
/// them, and the containers the kubelet created from them. Removing a tag follows `docker rmi` without --force:
/// the last tag of an image that a container (running or exited) uses cannot be removed.
/// </summary>
internal sealed class DockerEngine
{
    private readonly object gate = new();
    private readonly Dictionary<string, NodeImage> images = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> tags = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string PodUid, string ImageId)> containers = new(StringComparer.Ordinal);
    private readonly HashSet<string> systemImages = new(StringComparer.Ordinal);
    private int loads;

    public DockerEngine(string kubernetesVersion)
    {
        foreach (var (reference, size) in SystemImages(kubernetesVersion))
        {
            var id = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(reference)));
            images[id] = new NodeImage(id, size, new Dictionary<string, string>(), DateTimeOffset.UnixEpoch);
            tags[ImageReference.Parse(reference).ToString()] = id;
            systemImages.Add(id);
        }
    }

    /// <summary>Raised after images change.</summary>
    public event Action? Changed;

    /// <summary>How many images `docker load` brought in (each archive image counts once).</summary>
    public int LoadCount
    {
        get
        {
            lock (gate)
            {
                return loads;
            }
        }
    }

    /// <summary>The image a reference resolves to (":latest" when untagged), or null.</summary>
    public NodeImage? Inspect(string reference)
    {
        lock (gate)
        {
            if (reference.StartsWith("sha256:", StringComparison.Ordinal))
            {
                return images.GetValueOrDefault(reference);
            }

            return tags.TryGetValue(ImageReference.Parse(reference).WithDefaultTag().ToString(), out var id) ? images[id] : null;
        }
    }

    /// <summary>Normalised tag -> image ID.</summary>
    public IReadOnlyDictionary<string, string> Tags
    {
        get
        {
            lock (gate)
            {
                return new Dictionary<string, string>(tags);
            }
        }
    }

    public IReadOnlyList<TaggedImage> List()
    {
        lock (gate)
        {
            return images.Values
                .Select(image => new TaggedImage(image, tags.Where(t => t.Value == image.Id).Select(t => t.Key).Order(StringComparer.Ordinal).ToList()))
                .OrderBy(i => i.Tags.FirstOrDefault() ?? "~", StringComparer.Ordinal)
                .ToList();
        }
    }

    /// <summary>`docker rmi REF` without --force; <paramref name="message"/> is the daemon's answer.</summary>
    public RemoveOutcome Remove(string reference, out string message)
    {
        RemoveOutcome outcome;
        lock (gate)
        {
            var key = ImageReference.Parse(reference).WithDefaultTag().ToString();
            if (!tags.TryGetValue(key, out var id))
            {
                message = $"Error response from daemon: No such image: {reference}";
                return RemoveOutcome.NoSuchImage;
            }

            var otherTags = tags.Count(t => t.Value == id) - 1;
            var user = containers.FirstOrDefault(c => c.Value.ImageId == id).Key;
            if (otherTags == 0 && (user is not null || systemImages.Contains(id)))
            {
                var container = user ?? Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)));
                message = $"Error response from daemon: conflict: unable to remove repository reference \"{reference}\" (must force) - container {container[..12]} is using its referenced image {id["sha256:".Length..][..12]}";
                return RemoveOutcome.Conflict;
            }

            tags.Remove(key);
            message = $"Untagged: {reference}";
            outcome = RemoveOutcome.Untagged;
            if (otherTags == 0)
            {
                images.Remove(id);
                message += $"\nDeleted: {id}";
                outcome = RemoveOutcome.Deleted;
            }
        }

        Changed?.Invoke();
        return outcome;
    }

    /// <summary>
    /// `docker load`: adds the images and points their RepoTags at them. A tag that pointed to another image moves,
    /// leaving that image dangling when it has no other tag, as docker does.
    /// </summary>
    public void Load(IEnumerable<ArchivedImage> archived, IReadOnlyDictionary<string, long> sizes)
    {
        lock (gate)
        {
            foreach (var image in archived)
            {
                images[image.Id] = new NodeImage(image.Id, sizes.GetValueOrDefault(image.Id, image.LayerBytes), image.Labels, image.Created);
                foreach (var tag in image.RepoTags)
                {
                    tags[ImageReference.Parse(tag).WithDefaultTag().ToString()] = image.Id;
                }

                loads++;
            }
        }

        Changed?.Invoke();
    }

    /// <summary>Records a container the kubelet created from an image; returns its 64-hex ID.</summary>
    public string CreateContainer(string podUid, string imageId)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        lock (gate)
        {
            containers[id] = (podUid, imageId);
        }

        return id;
    }

    /// <summary>Removes the containers of a pod the kubelet has finished with.</summary>
    public void RemoveContainers(string podUid)
    {
        lock (gate)
        {
            foreach (var id in containers.Where(c => c.Value.PodUid == podUid).Select(c => c.Key).ToList())
            {
                containers.Remove(id);
            }
        }
    }

    private static IEnumerable<(string Reference, long Size)> SystemImages(string kubernetesVersion) =>
    [
        ($"registry.k8s.io/kube-apiserver:{kubernetesVersion}", 97_000_000),
        ($"registry.k8s.io/kube-controller-manager:{kubernetesVersion}", 89_700_000),
        ($"registry.k8s.io/kube-scheduler:{kubernetesVersion}", 69_600_000),
        ($"registry.k8s.io/kube-proxy:{kubernetesVersion}", 94_000_000),
        ("registry.k8s.io/etcd:3.5.16-0", 150_000_000),
        ("registry.k8s.io/coredns/coredns:v1.11.3", 61_800_000),
        ("registry.k8s.io/pause:3.10", 736_000),
        ("gcr.io/k8s-minikube/storage-provisioner:v5", 31_500_000),
    ];
}
