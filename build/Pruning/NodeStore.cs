using System.Globalization;
using Build.Docker;
using Build.Minikube;
using Cake.Core;

namespace Build.Pruning;

/// <summary>
/// The minikube node under load delivery: <c>minikube image ls --format json</c> lists it, <c>minikube image rm</c>
/// removes (<c>docker rmi</c> in the node, which refuses a tag a container uses). Each is a minikube process that
/// costs most of a second on a real profile (tests/ClusterSim/README.md), so: the listing this run's load check made
/// (<paramref name="listedAfterLoad"/>) is used instead of a new one, the node is listed again only when
/// <c>minikube image rm</c> warns (it exits 0 all the same; it prints nothing when every image went), and old
/// tags are removed two at a time (<see cref="RemoveAtLeast"/>). minikube cannot say when an image was made: the
/// local daemon, which built them, says.
/// </summary>
public sealed class NodeStore(ICakeContext context, Func<TimeSpan, MinikubeSettings> minikube, DockerStore builtWith,
    IReadOnlyList<NodeImage>? listedAfterLoad = null) : IImageStore
{
    private IReadOnlyList<NodeImage>? _listed = listedAfterLoad;

    public string Place => "node";

    /// <summary>After a rollout, one <c>minikube image rm</c> for every two changes, not one for each: the node holds at most one old image more.</summary>
    public int RemoveAtLeast => 2;

    public IReadOnlyList<StoredTag> List(IReadOnlyCollection<string> repositories, PruneBudget budget)
    {
        var wanted = repositories.Select(Repositories.Normalize).ToHashSet(StringComparer.Ordinal);
        var images = _listed ?? ListAll(budget);
        _listed = null; // used once: what follows sees the node as it is then
        var tags = images
            .SelectMany(i => (i.RepoTags ?? []).Select(reference => (Image: i, Reference: reference, Split: Repositories.Split(reference))))
            .Where(t => t.Split is { } split && wanted.Contains(Repositories.Normalize(split.Repository)) && ImageId.TryParse(t.Image.Id, out _))
            .ToList();
        var ids = tags.Select(t => ImageId.Parse(t.Image.Id)).Distinct().ToList();
        var created = ids.Count == 0 ? new Dictionary<ImageId, DateTimeOffset>() : builtWith.CreatedTimes(ids, budget);
        var tagsById = images.Where(i => ImageId.TryParse(i.Id, out _)).GroupBy(i => ImageId.Parse(i.Id))
            .ToDictionary(g => g.Key, g => g.SelectMany(i => i.RepoTags ?? []).Distinct().ToList());
        return tags.Select(t =>
        {
            var id = ImageId.Parse(t.Image.Id);
            return new StoredTag(t.Split!.Value.Repository, t.Split.Value.Tag, id)
            {
                Created = created.TryGetValue(id, out var when) ? when : null,
                Size = long.TryParse(t.Image.Size, NumberStyles.None, CultureInfo.InvariantCulture, out var size) ? size : null,
                OtherTags = tagsById[id].Where(other => other != t.Reference).ToList(),
            };
        }).DistinctBy(t => t.Reference).ToList();
    }

    public Removal Remove(IReadOnlyList<StoredTag> tags, PruneBudget budget)
    {
        var result = context.MinikubeImageRemove(minikube(budget.Next()), tags.Select(t => t.Reference));
        var said = result.Error.Concat(result.Output).Where(l => l.Trim().Length > 0).ToList();
        if (said.Count == 0)
        {
            return new Removal(tags, null); // minikube image rm prints nothing when every image went
        }

        var left = new NodeImages(ListAll(budget));
        var removed = tags.Where(t => left.IdOf(t.Reference) is null).ToList();
        var problem = removed.Count == tags.Count ? null
            : said.FirstOrDefault(l => l.Contains("Error response from daemon", StringComparison.Ordinal) || l.Contains("Failed", StringComparison.Ordinal))?.Trim(' ', '!', '\t')
              ?? "minikube image rm left them in place";
        return new Removal(removed, problem);
    }

    private IReadOnlyList<NodeImage> ListAll(PruneBudget budget) => context.MinikubeImageListAll(minikube(budget.Next()));
}
