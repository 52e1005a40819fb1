using Build.Docker;
using Build.Registry;

namespace Build.Pruning;

/// <summary>
/// A registry, through its HTTP API: tags from <c>tags/list</c>, each tag's manifest (digest, image ID, size), and
/// <c>DELETE</c> by digest, which removes every tag on that manifest (so the plan keeps a tag whose manifest a kept
/// tag shares). Distribution refuses deletes unless <c>storage.delete.enabled</c> is true. A manifest does not say when
/// its image was made: the local daemon that built and pushed it (<paramref name="builtWith"/>) says, by image ID, as
/// it does for the node; without a date, "the newest" would be the first tags by name.
/// </summary>
public sealed class RegistryStore(RegistryAddress registry, RegistryCredentials? credentials, DockerStore? builtWith = null) : IImageStore
{
    public string Place => $"registry {registry.Host}";

    /// <summary>Set when the registry answered 405: the one line that says deletes are off and how to turn them on.</summary>
    public string? DeletesDisabled { get; private set; }

    public IReadOnlyList<StoredTag> List(IReadOnlyCollection<string> repositories, PruneBudget budget)
    {
        using var client = Client(budget);
        var found = new List<StoredTag>();
        foreach (var repository in repositories.Where(r => r.StartsWith(registry.Host + "/", StringComparison.Ordinal)))
        {
            var path = repository[(registry.Host.Length + 1)..];
            var tags = Wait(client.TagsAsync(path, budget.Cancellation));
            var manifests = Wait(Task.WhenAll(tags.Select(tag => client.ManifestAsync(path, tag, budget.Cancellation))));
            var byDigest = tags.Zip(manifests).Where(m => m.Second is not null).ToLookup(m => m.Second!.Value.Digest, m => m.First, StringComparer.Ordinal);
            found.AddRange(tags.Zip(manifests).Where(m => m.Second is not null).Select(m =>
            {
                var (digest, config, size) = m.Second!.Value;
                return new StoredTag(repository, m.First, ImageId.TryParse(config, out var id) ? id : null)
                {
                    Digest = digest,
                    Size = size,
                    OtherTags = byDigest[digest].Where(t => t != m.First).Select(t => $"{repository}:{t}").ToList(),
                    RemovalTakesOtherTags = true,
                };
            }));
        }

        var ids = found.Select(t => t.Id).OfType<ImageId>().Distinct().ToList();
        var created = builtWith is null || ids.Count == 0 ? new Dictionary<ImageId, DateTimeOffset>() : builtWith.CreatedTimes(ids, budget);
        return found.Select(t => t.Id is { } id && created.TryGetValue(id, out var when) ? t with { Created = when } : t).ToList();
    }

    public Removal Remove(IReadOnlyList<StoredTag> tags, PruneBudget budget)
    {
        using var client = Client(budget);
        var removed = new List<StoredTag>();
        foreach (var manifest in tags.GroupBy(t => (t.Repository, t.Digest)))
        {
            if (!Wait(client.DeleteManifestAsync(manifest.Key.Repository[(registry.Host.Length + 1)..], manifest.Key.Digest!, budget.Cancellation)))
            {
                DeletesDisabled = $"registry {registry.Host} does not allow deletes (405 UNSUPPORTED): nothing removed there. Enable them with storage.delete.enabled: true (REGISTRY_STORAGE_DELETE_ENABLED=true), or leave out --{Infrastructure.ArgumentNames.PruneRegistry}.";
                return new Removal(removed, DeletesDisabled);
            }

            removed.AddRange(manifest);
        }

        return new Removal(removed, null);
    }

    private RegistryClient Client(PruneBudget budget) => new(registry, credentials, budget.Next());

    private static T Wait<T>(Task<T> task) => task.GetAwaiter().GetResult();
}
