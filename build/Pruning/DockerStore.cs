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
/// daemon itself refuses a tag a container uses).
/// </summary>
public sealed class DockerStore(ICakeContext context, ToolEnvironment environment, string place) : IImageStore
{
    public string Place { get; } = place;

    public IReadOnlyList<StoredTag> List(IReadOnlyCollection<string> repositories, PruneBudget budget)
    {
        var wanted = repositories.Select(Repositories.Normalize).ToHashSet(StringComparer.Ordinal);
        var tags = context.DockerImageTags(environment, budget.Next())
            .Where(t => Repositories.Split(t) is { } split && wanted.Contains(Repositories.Normalize(split.Repository)))
            .ToList();
        return Read(context.DockerImageInspect(environment, tags, budget.Next()), wanted);
    }

    /// <summary>When each image was made, by ID, for a place that cannot say itself (the node under load delivery).</summary>
    public IReadOnlyDictionary<ImageId, DateTimeOffset> CreatedTimes(IReadOnlyCollection<ImageId> ids, PruneBudget budget) =>
        Read(context.DockerImageInspect(environment, ids.Select(i => i.ToString()).ToList(), budget.Next()), wanted: null)
            .Where(t => t.Id is not null && t.Created is not null)
            .GroupBy(t => t.Id!.Value)
            .ToDictionary(g => g.Key, g => g.First().Created!.Value);

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
