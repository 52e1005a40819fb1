using System.Text.Json;

namespace Build.Infrastructure;

/// <summary>Who holds a <see cref="RedeployLock"/>: enough to tell the user which run is in the way.</summary>
public sealed record LockHolder(int ProcessId, DateTimeOffset Started, string Command)
{
    public string Describe() => $"pid {ProcessId}, {Command}, started {Started.ToLocalTime():HH:mm:ss}";
}

/// <summary>
/// One redeploy at a time per kube context and namespace, across terminals: an exclusive lock on a file in the
/// user's local data directory (<c>coinpilot-redeploy/locks/</c>). The operating system releases it when the
/// process ends in any way (even SIGKILL), so a crashed run never blocks the next one. Beside the lock file,
/// <c>.holder</c> names the run that holds it.
/// </summary>
public sealed class RedeployLock : IDisposable
{
    private readonly FileStream _stream;

    private RedeployLock(FileStream stream, string path)
    {
        _stream = stream;
        Path = path;
    }

    /// <summary>The directory of the lock files: <c>coinpilot-redeploy/locks</c> in the user's local data directory.</summary>
    public static string DirectoryIn(HostEnvironment host) => System.IO.Path.Combine(host.BuildDataDirectory, "locks");

    public string Path { get; }

    /// <summary>The lock file for a context and namespace (names are made safe for a file name).</summary>
    public static string FileFor(string directory, string kubeContext, string @namespace) =>
        System.IO.Path.Combine(directory, $"{Safe(kubeContext)}__{Safe(@namespace)}.lock");

    /// <summary>Takes the lock, or returns null and who holds it. Throws <see cref="BuildInputException"/> when the lock file cannot be made.</summary>
    public static RedeployLock? TryAcquire(string path, string command, out LockHolder? holder)
    {
        holder = null;
        FileStream stream;
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException) when (File.Exists(path))
        {
            holder = ReadHolder(path);
            return null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new BuildInputException($"Cannot create the redeploy lock {path} ({exception.Message}): check that the directory is writable.");
        }

        using var self = System.Diagnostics.Process.GetCurrentProcess();
        var mine = new LockHolder(Environment.ProcessId, self.StartTime, command);
        var temporary = HolderFile(path) + "." + Environment.ProcessId;
        File.WriteAllText(temporary, JsonSerializer.Serialize(mine));
        File.Move(temporary, HolderFile(path), overwrite: true);
        return new RedeployLock(stream, path);
    }

    /// <summary>Releases the lock. The files stay: deleting a lock file another process waits on would let two runs in.</summary>
    public void Dispose() => _stream.Dispose();

    private static LockHolder? ReadHolder(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<LockHolder>(File.ReadAllText(HolderFile(path)));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    private static string HolderFile(string path) => path + ".holder";

    private static string Safe(string name) =>
        string.Concat(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' ? c : '_'));
}
