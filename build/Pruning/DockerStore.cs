using System.Globalization;
using System.Text.Json.Nodes;
using Build.Docker;
using Build.Minikube;
using Build.Tools;
using Cake.Core;

namespace Build.Pruning;

/// <summary>
/// A Docker daemon: the local one (load and registry delivery), or the node's own under docker-env. Lists with
/// <c>docker image ls</c> + one <c>docker image inspect</c>, removes with <c>docker rmi</c> (no <c>--force</c>: the
/// daemon itself refuses a tag a container uses). The creation times it listed answer the node's question
/// (<see cref="CreatedTimes"/>) without another inspect.
/// </summary>
public sealed class DockerStore(ICakeContext context, ToolEnvironment environment, string place) : IImageStore
{
    private readonly Dictionary<ImageId, DateTimeOffset> _created = [];

    public string Place { get; } = place;

    public IReadOnlyList<StoredTag> List(IReadOnlyCollection<string> repositories, PruneBudget budget)
    {
        var wanted = repositories.Select(Repositories.Normalize).ToHashSet(StringComparer.Ordinal);
        var tags = context.DockerImageTags(environment, budget.Next())
            .Where(t => Repositories.Split(t) is { } split && wanted.Contains(Repositories.Normalize(split.Repository)))
            .ToList();
        return Remember(Read(context.DockerImageInspect(environment, tags, budget.Next()), wanted));
    }

    /// <summary>When each image was made, by ID, for a place that cannot say itself (the node under load delivery); inspects only those not listed yet.</summary>
    public IReadOnlyDictionary<ImageId, DateTimeOffset> CreatedTimes(IReadOnlyCollection<ImageId> ids, PruneBudget budget)
    {
        var unknown = ids.Where(id => !_created.ContainsKey(id)).Select(i => i.ToString()).ToList();
        if (unknown.Count > 0)
        {
            Remember(Read(context.DockerImageInspect(environment, unknown, budget.Next()), wanted: null));
        }

        return ids.Where(_created.ContainsKey).ToDictionary(id => id, id => _created[id]);
    }

    private IReadOnlyList<StoredTag> Remember(IReadOnlyList<StoredTag> tags)
    {
        foreach (var tag in tags.Where(t => t.Id is not null && t.Created is not null))
        {
            _created.TryAdd(tag.Id!.Value, tag.Created!.Value);
        }

        return tags;
    }

    public Removal Remove(IReadOnlyList<StoredTag> tags, PruneBudget budget)
    {
        var (untagged, errors) = context.DockerRemoveImages(environment, tags.Select(t => t.Reference).ToList(), budget.Next());
        var gone = untagged.Select(ImageReference.Normalize).ToHashSet(StringComparer.Ordinal);
        return new Removal(tags.Where(t => gone.Contains(ImageReference.Normalize(t.Reference))).ToList(), errors.FirstOrDefault()?.Trim());
    }

    /// <summary>One <see cref="StoredTag"/> per tag of the inspected images (of the wanted repositories, or all).</summary>
    public static IReadOnlyList<StoredTag> Read(JsonArray inspected, IReadOnlySet<string>? wanted)
    {
        var found = new List<StoredTag>();
        foreach (var image in inspected.OfType<JsonObject>())
        {
            if (!ImageId.TryParse((string?)image["Id"], out var id))
            {
                continue;
            }

            var repoTags = image["RepoTags"]?.AsArray().Select(t => (string?)t).OfType<string>().ToList() ?? [];
            var created = DateTimeOffset.TryParse((string?)image["Created"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var c) ? c : (DateTimeOffset?)null;
            var size = image["Size"]?.GetValue<long>();
            if (repoTags.Count == 0 && wanted is null)
            {
                found.Add(new StoredTag("", "", id) { Created = created, Size = size });
            }

            foreach (var reference in repoTags)
            {
                if (Repositories.Split(reference) is not { } split || (wanted is not null && !wanted.Contains(Repositories.Normalize(split.Repository))))
                {
                    continue;
                }

                found.Add(new StoredTag(split.Repository, split.Tag, id)
                {
                    Created = created,
                    Size = size,
                    OtherTags = repoTags.Where(t => t != reference).ToList(),
                });
            }
        }

        return found.DistinctBy(t => (t.Reference, t.Id)).ToList();
    }
}
