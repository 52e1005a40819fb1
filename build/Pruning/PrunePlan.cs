using System.Globalization;
using Build.Docker;
using Build.Minikube;

namespace Build.Pruning;

/// <summary>One tag of one image in one place (a Docker daemon, the node, a registry), as listed there.</summary>
public sealed record StoredTag(string Repository, string Tag, ImageId? Id)
{
    /// <summary>When the image was made (its config's <c>Created</c>); null when the place cannot say.</summary>
    public DateTimeOffset? Created { get; init; }

    /// <summary>The image's size in that place, in bytes; null when unknown.</summary>
    public long? Size { get; init; }

    /// <summary>The image's other tags in that place (any repository): removing this tag then only untags the image.</summary>
    public IReadOnlyList<string> OtherTags { get; init; } = [];

    /// <summary>A registry's manifest digest (<c>sha256:...</c>); null elsewhere.</summary>
    public string? Digest { get; init; }

    /// <summary>
    /// True where removing the tag removes the whole manifest and so every tag on it (a registry's DELETE by
    /// digest); false where it only untags (docker rmi).
    /// </summary>
    public bool RemovalTakesOtherTags { get; init; }

    public string Reference => $"{Repository}:{Tag}";

    /// <summary>
    /// True for a tag this build makes: <c>id-</c> and the first 16 hex digits of the very image it names. A user's own
    /// tags, <c>:latest</c>, and an <c>id-</c> tag moved onto another image are not.
    /// </summary>
    public bool MadeByBuild => Id is { } id && Tag == id.Tag;
}

/// <summary>What the plan does with one tag, and why.</summary>
public sealed record PruneDecision(StoredTag Image, bool Remove, string Why);

/// <summary>
/// Which of this build's old images go: per repository, the newest <c>keep</c> <c>id-</c> tags stay, and so does any
/// tag the cluster uses (<see cref="InUse"/>); the rest go. Tags the build did not make are never touched. Pure.
/// </summary>
public static class PrunePlan
{
    public static IReadOnlyList<PruneDecision> Decide(IEnumerable<StoredTag> tags, int keep, InUse inUse)
    {
        var decisions = new List<PruneDecision>();
        foreach (var repository in tags.GroupBy(t => t.Repository, StringComparer.Ordinal))
        {
            var ours = repository.Where(t => t.MadeByBuild)
                .OrderByDescending(t => t.Created ?? DateTimeOffset.MinValue)
                .ThenBy(t => t.Tag, StringComparer.Ordinal)
                .ToList();
            decisions.AddRange(repository.Where(t => !t.MadeByBuild).Select(t => new PruneDecision(t, false,
                t.Tag.StartsWith("id-", StringComparison.Ordinal) ? "not this build's tag: it names another image" : "not an id- tag of this build")));
            for (var i = 0; i < ours.Count; i++)
            {
                var tag = ours[i];
                var why = inUse.Why(tag);
                decisions.Add(i < keep
                    ? new PruneDecision(tag, false, why is null ? $"one of the newest {keep}" : $"one of the newest {keep}; {why}")
                    : why is null ? new PruneDecision(tag, true, $"older than the newest {keep}") : new PruneDecision(tag, false, why));
            }
        }

        return KeepSharedManifests(decisions);
    }

    /// <summary>Where removing a tag removes its manifest, a tag whose manifest another kept tag shares is kept too.</summary>
    private static IReadOnlyList<PruneDecision> KeepSharedManifests(List<PruneDecision> decisions)
    {
        var keptDigests = decisions.Where(d => !d.Remove && d.Image.Digest is not null)
            .GroupBy(d => d.Image.Digest!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Image.Tag, StringComparer.Ordinal);
        return decisions.Select(d => d.Remove && d.Image.RemovalTakesOtherTags && d.Image.Digest is { } digest && keptDigests.TryGetValue(digest, out var kept)
                ? d with { Remove = false, Why = $"its manifest is also tag {kept}, which stays" }
                : d)
            .ToList();
    }

    /// <summary>The bytes removing <paramref name="removed"/> frees: the size of each image that has no tag left afterwards.</summary>
    public static long Frees(IReadOnlyCollection<StoredTag> removed)
    {
        var gone = removed.Select(t => ImageReference.Normalize(t.Reference)).ToHashSet(StringComparer.Ordinal);
        return removed
            .Where(t => t.RemovalTakesOtherTags || t.OtherTags.All(other => gone.Contains(ImageReference.Normalize(other))))
            .DistinctBy(t => t.Digest ?? t.Id?.Hex ?? t.Reference)
            .Sum(t => t.Size ?? 0);
    }

    /// <summary>Bytes as docker prints them (decimal units, three significant digits): <c>1.23MB</c>.</summary>
    public static string Bytes(long bytes)
    {
        string[] units = ["B", "kB", "MB", "GB", "TB"];
        double size = bytes;
        var unit = 0;
        while (size >= 1000 && unit < units.Length - 1)
        {
            size /= 1000;
            unit++;
        }

        return unit == 0 ? $"{bytes}B" : size.ToString(size < 10 ? "0.##" : size < 100 ? "0.#" : "0", CultureInfo.InvariantCulture) + units[unit];
    }
}
