using System.Globalization;
using Build.Docker;
using Build.Minikube;
using Cake.Core;

namespace Build.Pruning;

/// <summary>
/// The minikube node under load delivery: <c>minikube image ls --format json</c> lists it, <c>minikube image rm</c>
/// removes (<c>docker rmi</c> in the node, which refuses a tag a container uses). minikube says neither when each image
/// was made (taken from the local daemon, which built them) nor whether a removal worked (it exits 0 and warns), so
/// the node is listed again afterwards.
/// </summary>
public sealed class NodeStore(ICakeContext context, Func<TimeSpan, MinikubeSettings> minikube, DockerStore builtWith) : IImageStore
{
    public string Place => "node";

    public IReadOnlyList<StoredTag> List(IReadOnlyCollection<string> repositories, PruneBudget budget)
    {
        var wanted = repositories.Select(Repositories.Normalize).ToHashSet(StringComparer.Ordinal);
        var images = ListAll(budget);
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
        var left = new NodeImages(ListAll(budget));
        var removed = tags.Where(t => left.IdOf(t.Reference) is null).ToList();
        var problem = removed.Count == tags.Count ? null
            : result.Error.Concat(result.Output).FirstOrDefault(l => l.Contains("Error response from daemon", StringComparison.Ordinal) || l.Contains("Failed", StringComparison.Ordinal))?.Trim(' ', '!', '\t')
              ?? "minikube image rm left them in place";
        return new Removal(removed, problem);
    }

    private IReadOnlyList<NodeImage> ListAll(PruneBudget budget) => context.MinikubeImageListAll(minikube(budget.Next()));
}
