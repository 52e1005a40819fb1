using System.Globalization;
using System.Text.Json;

namespace Build.Infrastructure;

/// <summary>Who holds a redeploy lock, in the cluster's Lease or the machine's lock file: enough to tell the user which run is in the way.</summary>
public sealed record LockHolder(string User, string Host, int ProcessId, string Target, DateTimeOffset Since)
{
    /// <summary>The holder as the Lease's <c>holderIdentity</c> and the refusal say it: <c>alice@laptop, pid 4242, Redeploy, since 2026-03-01 10:00:01Z</c>.</summary>
    public string Describe() => $"{User}@{Host}, pid {ProcessId}, {Target}, since {Since.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)}";

    /// <summary>This process, running <paramref name="target"/>.</summary>
    public static LockHolder Me(string target)
    {
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        return new LockHolder(Environment.UserName, Environment.MachineName, Environment.ProcessId, target, self.StartTime.ToUniversalTime());
    }
}

/// <summary>
/// The machine's half of the redeploy lock (the cluster's is <see cref="Kubernetes.ClusterLease"/>): an exclusive
/// lock on a file in the user's local data directory (<c>coinpilot-redeploy/locks/</c>), per kube context and
/// namespace. It is taken first and costs no tool call; it still earns its place where the Lease cannot be: a
/// Deploy into a namespace that does not exist yet has nowhere to keep a Lease, and two such runs of one user are
/// still one at a time. The operating system releases it when the process ends in any way (even SIGKILL). Beside
/// the lock file, <c>.holder</c> names the run that holds it.
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
    public static RedeployLock? TryAcquire(string path, LockHolder mine, out LockHolder? holder)
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
