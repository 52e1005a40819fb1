using Build.Configuration;
using Build.Docker;

namespace Build.Watch;

/// <summary>A directory Watch gets file events for; <see cref="Recursive"/> for a build context.</summary>
public sealed record WatchedRoot(string Directory, bool Recursive);

/// <summary>What a batch of file events means: the changed paths of each service (as docker sees its context), and whether the services file or a manifest changed.</summary>
public sealed record SourceChange(IReadOnlyDictionary<string, IReadOnlyList<string>> Services, bool ServicesFile, IReadOnlyList<string> Manifests)
{
    /// <summary>No path changed (a retry after the cluster came back).</summary>
    public static SourceChange None { get; } = new(new Dictionary<string, IReadOnlyList<string>>(), false, []);

    public bool IsEmpty => Services.Count == 0 && !ServicesFile && Manifests.Count == 0;

    /// <summary>Why a service is rebuilt, in one line: <c>bot: examples/bot/version.txt changed</c> (three paths, then "and N more").</summary>
    public static string Why(string service, IReadOnlyList<string> paths, int shown = 3) =>
        $"{service}: {string.Join(", ", paths.Take(shown))}" + (paths.Count > shown ? $" and {paths.Count - shown} more" : "") + " changed";
}

/// <summary>
/// Pure: what each service's image is built from, as Watch watches it — the build context as docker sends it
/// (<c>.dockerignore</c> honoured, as the input digest honours it), the Dockerfile (also outside the context) — and the
/// services file and the manifests it lists.
/// </summary>
public sealed class WatchedSources(RedeployConfig config)
{
    public RedeployConfig Config { get; } = config;

    /// <summary>The directories to watch: each context recursively, and the directories of the single files.</summary>
    public IReadOnlyList<WatchedRoot> Roots
    {
        get
        {
            var contexts = Config.Services.Select(s => Full(s.Context)).Distinct().ToList();
            var files = Config.Services.Select(s => s.Dockerfile).Append(Config.FilePath).Concat(Config.Manifests)
                .Select(f => Path.GetDirectoryName(Full(f))!)
                .Where(d => !contexts.Any(c => IsUnder(d, c)))
                .Distinct();
            return contexts.Select(c => new WatchedRoot(c, true)).Concat(files.Select(d => new WatchedRoot(d, false))).ToList();
        }
    }

    /// <summary>
    /// Sorts changed paths by what they change; paths are shown relative to <paramref name="root"/>. A path docker
    /// leaves out of a context changes nothing (the <c>.dockerignore</c> is read now, so a change to it counts at once).
    /// </summary>
    public SourceChange Classify(IEnumerable<string> paths, string root)
    {
        var changed = paths.Select(Full).Distinct().Order(StringComparer.Ordinal).ToList();
        var services = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var service in Config.Services)
        {
            var context = Full(service.Context);
            var ignore = DockerIgnore.ForContext(context);
            var relevant = changed.Where(p => p == Full(service.Dockerfile)
                    || (IsUnder(p, context) && (p == context || !ignore.Excludes(Path.GetRelativePath(context, p).Replace('\\', '/')))))
                .Select(p => p == context ? Path.GetRelativePath(root, p) + "/ (many files)" : Path.GetRelativePath(root, p))
                .ToList();
            if (relevant.Count > 0)
            {
                services[service.Name] = relevant;
            }
        }

        var manifests = Config.Manifests.Select(Full).Where(changed.Contains).Select(m => Path.GetRelativePath(root, m)).ToList();
        return new SourceChange(services, changed.Contains(Full(Config.FilePath)), manifests);
    }

    private static string Full(string path) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));

    private static bool IsUnder(string path, string directory) =>
        path == directory || path.StartsWith(directory + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
