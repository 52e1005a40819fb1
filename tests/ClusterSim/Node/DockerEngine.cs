using System.Security.Cryptography;
using System.Text;

namespace ClusterSim.Node;

/// <summary>
/// The node's container runtime kept in this process (the default <see cref="NodeRuntime.Simulated"/>): images by
/// ID, tags that point to them, and the containers the kubelet created from them. On the docker runtime, removing a
/// tag follows `docker rmi` without --force: the last tag of an image that a container (running or exited) uses
/// cannot be removed. On the containerd runtime (`crictl rmi`) nothing refuses a removal; the container keeps the
/// content it started from.
/// </summary>
internal sealed class DockerEngine : INodeEngine
{
    private readonly object gate = new();
    private readonly Dictionary<string, NodeImage> images = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> tags = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string PodUid, string ImageId)> containers = new(StringComparer.Ordinal);
    private readonly HashSet<string> systemImages = new(StringComparer.Ordinal);
    private readonly bool refusesRemovingUsedImages;
    private int loads;

    public DockerEngine(string kubernetesVersion, string containerRuntime = "docker")
    {
        refusesRemovingUsedImages = containerRuntime == "docker";
        foreach (var (reference, size) in SystemImages(kubernetesVersion))
        {
            var id = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(reference)));
            images[id] = new NodeImage(id, size, new Dictionary<string, string>(), DateTimeOffset.UnixEpoch);
            tags[ImageReference.Parse(reference).ToString()] = id;
            systemImages.Add(id);
        }
    }

    public event Action? Changed;

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

    public NodeImage? Inspect(string reference)
    {
        lock (gate)
        {
            if (reference.StartsWith("sha256:", StringComparison.Ordinal))
            {
                return images.GetValueOrDefault(reference);
            }

            var parsed = ImageReference.Parse(reference);
            if (parsed.Digest is not null)
            {
                var wanted = $"{parsed.Repository}@{parsed.Digest}";
                return images.Values.FirstOrDefault(i => i.Digests.Contains(wanted));
            }

            return tags.TryGetValue(parsed.WithDefaultTag().ToString(), out var id) ? images[id] : null;
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

    public RemoveOutcome Remove(string reference, out string message)
    {
        RemoveOutcome outcome;
        lock (gate)
        {
            var parsed = ImageReference.Parse(reference).WithDefaultTag();
            var key = parsed.ToString();
            if (!tags.TryGetValue(key, out var id))
            {
                message = $"Error response from daemon: No such image: {parsed.FamiliarRepository}:{parsed.Tag}";
                return RemoveOutcome.NoSuchImage;
            }

            var otherTags = tags.Count(t => t.Value == id) - 1;
            var user = containers.FirstOrDefault(c => c.Value.ImageId == id).Key;
            if (otherTags == 0 && refusesRemovingUsedImages && (user is not null || systemImages.Contains(id)))
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
    /// leaving that image dangling when it has no other tag, as docker does. <paramref name="sizeHint"/> (the size the
    /// user's daemon reported) replaces the archive's layer bytes as the image size.
    /// </summary>
    public async Task<LoadResult> LoadAsync(Stream archive, long? sizeHint, CancellationToken cancel)
    {
        var (archived, bytes) = await ImageArchive.ReadAsync(archive, cancel);
        lock (gate)
        {
            foreach (var image in archived)
            {
                images[image.Id] = new NodeImage(image.Id, sizeHint ?? image.LayerBytes, image.Labels, image.Created);
                foreach (var tag in image.RepoTags)
                {
                    tags[ImageReference.Parse(tag).WithDefaultTag().ToString()] = image.Id;
                }

                loads++;
            }
        }

        Changed?.Invoke();
        return new LoadResult(bytes, archived.Select(i => $"Loaded image: {string.Join(", ", i.RepoTags.DefaultIfEmpty(i.Id))}").ToList());
    }

    public void AddPulled(NodeImage image, string? tag)
    {
        lock (gate)
        {
            var digests = images.TryGetValue(image.Id, out var known) ? known.Digests.Union(image.Digests).ToList() : image.Digests.ToList();
            images[image.Id] = image with { RepoDigests = digests };
            if (tag is not null)
            {
                tags[ImageReference.Parse(tag).WithDefaultTag().ToString()] = image.Id;
            }
        }

        Changed?.Invoke();
    }

    public string CreateContainer(ContainerRequest request, NodeImage image)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        lock (gate)
        {
            containers[id] = (request.PodUid, image.Id);
        }

        return id;
    }

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

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

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

    /// <summary>The images a fresh minikube node holds, for runtimes that seed them.</summary>
    public static IEnumerable<string> SystemImageReferences(string kubernetesVersion) => SystemImages(kubernetesVersion).Select(i => i.Reference);
}
