namespace Build.Watch;

/// <summary>
/// Whether native file events arrive from a folder, as Watch needs them (WSL's <c>/mnt/c</c> and network file systems
/// give none): a probe file is written there and removed, and its event must arrive within <see cref="Within"/>.
/// For Doctor.
/// </summary>
public static class FileEventProbe
{
    public static readonly TimeSpan Within = TimeSpan.FromSeconds(2);

    /// <summary>What keeps Watch's native events from working in <paramref name="directory"/>, with the fix; null when they work.</summary>
    public static string? Problem(string directory)
    {
        var probe = Path.Combine(directory, $".coinpilot-watch-probe-{Guid.NewGuid():N}");
        using var seen = new ManualResetEventSlim();
        try
        {
            using var watcher = new FileSystemWatcher(directory) { NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite };
            FileSystemEventHandler onProbe = (_, e) =>
            {
                if (e.FullPath == probe)
                {
                    seen.Set();
                }
            };
            watcher.Created += onProbe;
            watcher.Changed += onProbe;
            watcher.EnableRaisingEvents = true;
            File.WriteAllText(probe, "");
            return seen.Wait(Within)
                ? null
                : $"a file written in {directory} was not seen within {Within.TotalSeconds:0}s (a file system without native events, e.g. WSL's /mnt/c): use --watch-poll=1s";
        }
        catch (IOException exception) when (exception.Message.Contains("inotify", StringComparison.OrdinalIgnoreCase))
        {
            return $"the inotify watch limit is reached ({exception.Message.TrimEnd('.')}): raise it with {FileEvents.RaiseLimit}, or use --watch-poll=1s";
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return $"could not check {directory} ({exception.Message.TrimEnd('.')})";
        }
        finally
        {
            try
            {
                File.Delete(probe);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // Nothing was written, or it is gone already.
            }
        }
    }
}
