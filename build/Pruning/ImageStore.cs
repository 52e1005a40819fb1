using System.Diagnostics;
using Build.Minikube;

namespace Build.Pruning;

/// <summary>What removing tags from a place did: the tags now gone, and the place's words for the first that did not go.</summary>
public sealed record Removal(IReadOnlyList<StoredTag> Removed, string? Problem);

/// <summary>A place that holds images: the Docker daemon the build uses, the minikube node, a registry.</summary>
public interface IImageStore
{
    /// <summary>How the report names it: "local daemon", "node", "registry HOST".</summary>
    string Place { get; }

    /// <summary>Every tag of the given repositories there.</summary>
    IReadOnlyList<StoredTag> List(IReadOnlyCollection<string> repositories, PruneBudget budget);

    Removal Remove(IReadOnlyList<StoredTag> tags, PruneBudget budget);

    /// <summary>
    /// After a rollout, fewer old tags than this are left for a later run (a place where each removal is a costly
    /// process); Prune on demand removes every one.
    /// </summary>
    int RemoveAtLeast => 1;
}

/// <summary>Pruning's own short deadline: each call gets what is left of it (at most <see cref="PerCall"/>), and Ctrl-C ends it.</summary>
public sealed class PruneBudget(TimeSpan total, CancellationToken cancellation)
{
    public static readonly TimeSpan PerCall = Infrastructure.Deadlines.Quick;

    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public TimeSpan Total { get; } = total;

    public CancellationToken Cancellation { get; } = cancellation;

    /// <summary>The deadline of the next call; throws <see cref="TimeoutException"/> when the budget is spent.</summary>
    public TimeSpan Next()
    {
        Cancellation.ThrowIfCancellationRequested();
        var left = Total - _clock.Elapsed;
        return left <= TimeSpan.FromMilliseconds(200) ? throw new TimeoutException($"pruning's {Total.TotalSeconds:0}s were up") : left < PerCall ? left : PerCall;
    }
}

/// <summary>Repository names compared as docker normalises them (<c>bot</c> is <c>docker.io/library/bot</c>).</summary>
public static class Repositories
{
    public static string Normalize(string repository)
    {
        var normal = ImageReference.Normalize(repository + ":x");
        return normal[..^2];
    }

    /// <summary>Splits <c>REPO:TAG</c> (a registry's port is not a tag); null for a reference without a tag.</summary>
    public static (string Repository, string Tag)? Split(string reference)
    {
        var colon = reference.LastIndexOf(':');
        return colon > reference.LastIndexOf('/') && !reference.Contains('@') ? (reference[..colon], reference[(colon + 1)..]) : null;
    }
}
