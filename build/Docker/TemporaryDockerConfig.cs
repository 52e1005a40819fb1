using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Build.Docker;

/// <summary>
/// The private directory that DOCKER_CONFIG points to while CredsFallback is in effect:
/// <c>$TMPDIR/coinpilot-docker-config.&lt;random&gt;</c> (mode 0700) holding the rewritten <c>config.json</c>
/// (mode 0600), a symbolic link to every other entry of the user's <c>~/.docker</c> (cli-plugins, contexts,
/// buildx, ...) so the docker CLI behaves as before, and an owner marker that lets a later run prove the
/// directory was abandoned (its process is gone) and remove it.
/// </summary>
public sealed class TemporaryDockerConfig : IDisposable
{
    public const string Prefix = "coinpilot-docker-config.";
    public const string OwnerFile = ".coinpilot-owner.json";

    private const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private readonly EventHandler _removeOnExit;

    private TemporaryDockerConfig(string path, IReadOnlyList<string> linked)
    {
        Path = path;
        Linked = linked;
        // A backstop for exits that skip Teardown but still run .NET's exit handlers (a second Ctrl-C).
        _removeOnExit = (_, _) => Delete(path);
        AppDomain.CurrentDomain.ProcessExit += _removeOnExit;
    }

    public string Path { get; }

    /// <summary>The entries of the user's docker directory made visible here by symbolic links.</summary>
    public IReadOnlyList<string> Linked { get; }

    public bool Exists => Directory.Exists(Path);

    /// <summary>
    /// Creates the directory under <paramref name="tempRoot"/> (the system temp directory, which honours TMPDIR), with
    /// links to the entries of <paramref name="userDockerDirectory"/> (none when it is null).
    /// </summary>
    public static TemporaryDockerConfig Create(string configJson, string? userDockerDirectory, string tempRoot, Action<string>? warn = null)
    {
        var path = CreatePrivateDirectory(tempRoot);
        try
        {
            Infrastructure.PrivateFile.Write(System.IO.Path.Combine(path, OwnerFile), JsonSerializer.Serialize(OwnerMarker.ForCurrentProcess()));
            Infrastructure.PrivateFile.Write(System.IO.Path.Combine(path, "config.json"), configJson);
            return new TemporaryDockerConfig(path, LinkUserEntries(path, userDockerDirectory, warn ?? (_ => { })));
        }
        catch
        {
            Delete(path);
            throw;
        }
    }

    public string ConfigFile => System.IO.Path.Combine(Path, "config.json");

    /// <summary>
    /// Adds (or replaces) an inline login for <paramref name="host"/> (<c>auths.HOST.auth</c>) to the temporary
    /// config.json, which stays private (0600) and goes with the directory.
    /// </summary>
    public void AddLogin(string host, string auth)
    {
        var config = JsonNode.Parse(File.ReadAllText(ConfigFile)) as JsonObject ?? new JsonObject();
        var auths = config["auths"] as JsonObject ?? new JsonObject();
        config["auths"] = auths;
        auths[host] = new JsonObject { ["auth"] = auth };
        Infrastructure.PrivateFile.Write(ConfigFile, config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>Removes the directory. Links are removed as links: what they point to is never touched.</summary>
    public void Dispose()
    {
        AppDomain.CurrentDomain.ProcessExit -= _removeOnExit;
        Delete(Path);
    }

    /// <summary>
    /// Removes <c>coinpilot-docker-config.*</c> directories under <paramref name="tempRoot"/> whose owner marker
    /// proves they belong to this user on this host and to a process that no longer runs. Anything else
    /// (no marker, another user, a live process) is left alone. Returns the removed paths.
    /// </summary>
    public static IReadOnlyList<string> RemoveAbandoned(string tempRoot)
    {
        var removed = new List<string>();
        if (!Directory.Exists(tempRoot))
        {
            return removed;
        }

        foreach (var directory in Directory.EnumerateDirectories(tempRoot, Prefix + "*"))
        {
            if (new DirectoryInfo(directory).LinkTarget is null && OwnerMarker.TryRead(directory) is { } owner && owner.IsAbandonedByUs())
            {
                Delete(directory);
                removed.Add(directory);
            }
        }

        return removed;
    }

    private static string CreatePrivateDirectory(string tempRoot)
    {
        for (var attempt = 0; ; attempt++)
        {
            var path = System.IO.Path.Combine(tempRoot, Prefix + System.IO.Path.GetRandomFileName().Replace(".", "", StringComparison.Ordinal));
            if (Directory.Exists(path) && attempt < 10)
            {
                continue;
            }

            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(path);
            }
            else
            {
                Directory.CreateDirectory(path, PrivateDirectory);
                File.SetUnixFileMode(path, PrivateDirectory); // the umask may have removed bits; never added any
            }

            return path;
        }
    }

    private static List<string> LinkUserEntries(string path, string? userDockerDirectory, Action<string> warn)
    {
        var linked = new List<string>();
        if (userDockerDirectory is null || !Directory.Exists(userDockerDirectory))
        {
            return linked;
        }

        foreach (var entry in new DirectoryInfo(userDockerDirectory).EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            if (entry.Name is "config.json" or OwnerFile)
            {
                continue;
            }

            var link = System.IO.Path.Combine(path, entry.Name);
            try
            {
                if (entry is DirectoryInfo)
                {
                    Directory.CreateSymbolicLink(link, entry.FullName);
                }
                else
                {
                    File.CreateSymbolicLink(link, entry.FullName);
                }

                linked.Add(entry.Name);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                warn($"Could not link {entry.FullName} into the temporary docker config ({exception.Message}); docker may not see it.");
            }
        }

        return linked;
    }

    private static void Delete(string path)
    {
        if (!Directory.Exists(path))
        {
            return;
        }

        // Unlink the links first, so that the recursive delete below can only ever see our own files.
        foreach (var entry in new DirectoryInfo(path).EnumerateFileSystemInfos())
        {
            if (entry.LinkTarget is not null)
            {
                entry.Delete();
            }
        }

        Directory.Delete(path, recursive: true);
    }

    /// <summary>Who created a temporary directory: enough to prove later that its creator is gone.</summary>
    private sealed record OwnerMarker(int ProcessId, long ProcessStartTicks, string User, string Host)
    {
        public static OwnerMarker ForCurrentProcess()
        {
            using var self = Process.GetCurrentProcess();
            return new OwnerMarker(Environment.ProcessId, self.StartTime.ToUniversalTime().Ticks, CurrentUser(), Environment.MachineName);
        }

        public static OwnerMarker? TryRead(string directory)
        {
            try
            {
                return JsonSerializer.Deserialize<OwnerMarker>(File.ReadAllText(System.IO.Path.Combine(directory, OwnerFile)));
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or JsonException)
            {
                return null;
            }
        }

        public bool IsAbandonedByUs() =>
            User == CurrentUser() && Host == Environment.MachineName && !IsRunning();

        /// <summary>True when the recorded process still runs (the same one: a reused id has another start time).</summary>
        private bool IsRunning()
        {
            try
            {
                using var process = Process.GetProcessById(ProcessId);
                return Math.Abs(process.StartTime.ToUniversalTime().Ticks - ProcessStartTicks) < TimeSpan.TicksPerSecond;
            }
            catch (Exception exception) when (exception is ArgumentException or InvalidOperationException)
            {
                return false;
            }
        }

        private static string CurrentUser() =>
            OperatingSystem.IsWindows() ? Environment.UserName : $"uid:{NativeMethods.geteuid()}";
    }

    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = false)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
#pragma warning disable SYSLIB1054 // a one-line P/Invoke without marshalling; LibraryImport would need unsafe code enabled
        public static extern uint geteuid();
#pragma warning restore SYSLIB1054
    }
}
