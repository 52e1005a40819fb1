using System.Diagnostics;

namespace Build.Watch;

/// <summary>
/// Collects the paths that changed under the watched roots, from native file events (inotify on Linux, through
/// <see cref="FileSystemWatcher"/>) or by polling, and hands them over after a quiet period. Events that arrive while
/// the caller works are kept for the next hand-over, so no change is lost and a burst is one hand-over.
/// </summary>
public sealed class FileEvents : IDisposable
{
    /// <summary>The sysctl that raises Linux's per-user inotify watch limit.</summary>
    public const string RaiseLimit = "sudo sysctl fs.inotify.max_user_watches=524288";

    private readonly Lock _lock = new();
    private readonly HashSet<string> _pending = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _signal = new(0);
    private readonly Action<string> _say;
    private readonly List<FileSystemWatcher> _watchers = [];
    private readonly Stopwatch _sinceLast = Stopwatch.StartNew();
    private IReadOnlyList<WatchedRoot> _roots = [];
    private Timer? _poller;
    private Dictionary<string, (long Length, DateTime Written)> _snapshot = new(StringComparer.Ordinal);

    private FileEvents(Action<string> say) => _say = say;

    /// <summary>How changes are seen: "native file events" or "polling every 1s".</summary>
    public string Mode { get; private set; } = "";

    /// <summary>The polling interval, when polling.</summary>
    public TimeSpan? PollInterval { get; private set; }

    /// <summary>Starts watching <paramref name="roots"/>: polling every <paramref name="poll"/> when given, else native events (polling every second if they cannot be had).</summary>
    public static FileEvents Start(IReadOnlyList<WatchedRoot> roots, TimeSpan? poll, Action<string> say)
    {
        var events = new FileEvents(say);
        events.Watch(roots, poll);
        return events;
    }

    /// <summary>Watches another set of roots (the services file changed), the same way as before.</summary>
    public void Rewatch(IReadOnlyList<WatchedRoot> roots)
    {
        lock (_lock)
        {
            if (roots.SequenceEqual(_roots))
            {
                return;
            }
        }

        StopWatching();
        Watch(roots, PollInterval);
    }

    /// <summary>Records a changed path (also for tests and for the caller's own retries).</summary>
    public void Add(string path)
    {
        lock (_lock)
        {
            _pending.Add(path);
            _sinceLast.Restart();
        }

        _signal.Release();
    }

    /// <summary>
    /// Waits until some path changed and then <paramref name="quiet"/> passed without another event; returns the
    /// changed paths and forgets them. Returns null when <paramref name="limit"/> passes first. Cancellation throws.
    /// </summary>
    public IReadOnlyList<string>? WaitForQuiet(TimeSpan quiet, CancellationToken token, TimeSpan? limit = null)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            TimeSpan wait;
            lock (_lock)
            {
                if (_pending.Count > 0 && _sinceLast.Elapsed >= quiet)
                {
                    var paths = _pending.ToList();
                    _pending.Clear();
                    while (_signal.CurrentCount > 0 && _signal.Wait(0))
                    {
                    }

                    return paths;
                }

                wait = _pending.Count > 0 ? quiet - _sinceLast.Elapsed : Timeout.InfiniteTimeSpan;
            }

            if (limit is { } max)
            {
                var left = max - clock.Elapsed;
                if (left <= TimeSpan.Zero)
                {
                    return null;
                }

                wait = wait == Timeout.InfiniteTimeSpan || wait > left ? left : wait;
            }

            // Infinite (-1 ms) waits for the next event; only a quiet period already over is clamped to no wait
            // (clamping infinite too made an idle Watch spin a core: the inner-loop benchmark's idle CPU found it).
            _signal.Wait(wait == Timeout.InfiniteTimeSpan || wait >= TimeSpan.Zero ? wait : TimeSpan.Zero, token);
        }
    }

    public void Dispose()
    {
        StopWatching();
        _signal.Dispose();
    }

    private void Watch(IReadOnlyList<WatchedRoot> roots, TimeSpan? poll)
    {
        lock (_lock)
        {
            _roots = roots;
        }

        if (poll is { } interval)
        {
            StartPolling(roots, interval);
            return;
        }

        try
        {
            foreach (var root in roots.Where(r => Directory.Exists(r.Directory)))
            {
                var watcher = new FileSystemWatcher(root.Directory)
                {
                    IncludeSubdirectories = root.Recursive,
                    NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.Attributes,
                };
                watcher.Changed += (_, e) => Add(e.FullPath);
                watcher.Created += (_, e) => Add(e.FullPath);
                watcher.Deleted += (_, e) => Add(e.FullPath);
                watcher.Renamed += (_, e) =>
                {
                    Add(e.OldFullPath);
                    Add(e.FullPath);
                };
                var directory = root.Directory;
                watcher.Error += (_, _) => Add(directory); // events were lost (a buffer overflow): the whole root may have changed
                _watchers.Add(watcher);
                watcher.EnableRaisingEvents = true;
            }

            Mode = "native file events";
        }
        catch (IOException exception) when (exception.Message.Contains("inotify", StringComparison.OrdinalIgnoreCase))
        {
            StopWatching();
            _say($"Watch: the inotify watch limit is reached ({exception.Message.TrimEnd('.')}); polling every 1s instead. To raise it: {RaiseLimit}");
            StartPolling(roots, TimeSpan.FromSeconds(1));
        }
    }

    private void StartPolling(IReadOnlyList<WatchedRoot> roots, TimeSpan interval)
    {
        PollInterval = interval;
        Mode = $"polling every {interval.TotalSeconds:0.###}s";
        _snapshot = Snapshot(roots);
        _poller = new Timer(_ => Poll(roots), null, interval, interval);
    }

    private void Poll(IReadOnlyList<WatchedRoot> roots)
    {
        var now = Snapshot(roots);
        var before = _snapshot;
        _snapshot = now;
        foreach (var (path, state) in now)
        {
            if (!before.TryGetValue(path, out var was) || was != state)
            {
                Add(path);
            }
        }

        foreach (var path in before.Keys.Where(p => !now.ContainsKey(p)))
        {
            Add(path);
        }
    }

    /// <summary>Length and last write time of every file under the roots.</summary>
    private static Dictionary<string, (long, DateTime)> Snapshot(IReadOnlyList<WatchedRoot> roots)
    {
        var files = new Dictionary<string, (long, DateTime)>(StringComparer.Ordinal);
        foreach (var root in roots.Where(r => Directory.Exists(r.Directory)))
        {
            var options = new EnumerationOptions { RecurseSubdirectories = root.Recursive, IgnoreInaccessible = true, AttributesToSkip = 0 };
            foreach (var file in new DirectoryInfo(root.Directory).EnumerateFiles("*", options))
            {
                files[file.FullName] = (file.Length, file.LastWriteTimeUtc);
            }
        }

        return files;
    }

    private void StopWatching()
    {
        _poller?.Dispose();
        _poller = null;
        foreach (var watcher in _watchers)
        {
            watcher.Dispose();
        }

        _watchers.Clear();
    }
}
