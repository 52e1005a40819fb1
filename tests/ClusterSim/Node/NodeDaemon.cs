using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace ClusterSim.Node;

/// <summary>
/// A real dockerd for one simulated node (Debian's docker.io; vfs storage, no bridge, no iptables; it needs root):
/// on 127.0.0.1:PORT over TCP with TLS verification (the certificates minikube would make), and on a unix socket for
/// the simulation itself. Its state lives under /var/tmp/clustersim-nodes/ID (data root, log, pidfile) with a short
/// exec root /tmp/csn-ID (unix socket paths must stay short). Started detached (setsid) and stopped by its pid on
/// dispose, which also removes both directories. A daemon whose owning process died without disposing it is stopped
/// and removed by the next start (only daemons this class recorded, checked by their command line).
/// </summary>
internal sealed partial class NodeDaemon : IAsyncDisposable
{
    public const string StateRoot = "/var/tmp/clustersim-nodes";
    private const int SigTerm = 15;
    private const int SigKill = 9;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private readonly string root;
    private readonly string execRoot;
    private int pid;

    private NodeDaemon(string root, string execRoot, int port)
    {
        this.root = root;
        this.execRoot = execRoot;
        Port = port;
        Api = new DockerApi(Path.Combine(root, "docker.sock"));
    }

    /// <summary>The TCP port on 127.0.0.1 (TLS).</summary>
    public int Port { get; }

    /// <summary>DOCKER_HOST for the user's docker CLI: tcp://127.0.0.1:PORT.</summary>
    public string TcpUrl => $"tcp://127.0.0.1:{Port}";

    public DockerApi Api { get; }

    /// <summary>Why a node daemon cannot start here (not root, no dockerd), or null.</summary>
    public static string? Problem()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "a node dockerd needs Linux";
        }

        if (geteuid() != 0)
        {
            return "a node dockerd needs root (it runs Debian's dockerd with vfs storage)";
        }

        return FindDockerd() is null ? "dockerd is not installed (apt-get install docker.io)" : null;
    }

    public static async Task<NodeDaemon> StartAsync(CertificatePaths certs, CancellationToken cancel = default)
    {
        if (Problem() is { } problem)
        {
            throw new InvalidOperationException($"cannot start the node's Docker daemon: {problem}");
        }

        await RemoveAbandonedAsync();
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5));
        var root = Path.Combine(StateRoot, id);
        var execRoot = $"/tmp/csn-{id}";
        Directory.CreateDirectory(root);
        var daemon = new NodeDaemon(root, execRoot, FreePort());
        try
        {
            await daemon.LaunchAsync(certs, cancel);
            return daemon;
        }
        catch
        {
            await daemon.DisposeAsync();
            throw;
        }
    }

    private async Task LaunchAsync(CertificatePaths certs, CancellationToken cancel)
    {
        await File.WriteAllTextAsync(Path.Combine(root, "owner"), $"{Environment.ProcessId} {StartTime(Environment.ProcessId)}\n{execRoot}\n", cancel);
        await File.WriteAllTextAsync(Path.Combine(root, "daemon.json"), "{}\n", cancel);
        string[] arguments =
        [
            "--config-file", Path.Combine(root, "daemon.json"),
            "--storage-driver=vfs", "--iptables=false", "--ip-masq=false", "--bridge=none",
            "--data-root", Path.Combine(root, "data"), "--exec-root", execRoot, "--pidfile", Path.Combine(root, "dockerd.pid"),
            "-H", $"unix://{Api.SocketPath}", "-H", $"tcp://127.0.0.1:{Port}",
            "--tlsverify", "--tlscacert", certs.CaCert, "--tlscert", certs.ServerCert, "--tlskey", certs.ServerKey,
        ];
        var log = Path.Combine(root, "dockerd.log");
        var script = $"exec setsid {Quote(FindDockerd()!)} {string.Join(' ', arguments.Select(Quote))} >{Quote(log)} 2>&1 </dev/null";
        using (var launcher = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", script]) { UseShellExecute = false })!)
        {
            pid = launcher.Id;
        }

        var deadline = DateTime.UtcNow + StartTimeout;
        var pidFile = Path.Combine(root, "dockerd.pid");
        while (!await Api.PingAsync(cancel))
        {
            // setsid forks when its caller leads a process group: then the pidfile has the daemon's pid.
            if (int.TryParse(ReadOrEmpty(pidFile).Trim(), CultureInfo.InvariantCulture, out var written))
            {
                pid = written;
            }

            if (!IsAlive(pid))
            {
                throw new InvalidOperationException($"the node's dockerd exited while starting; its log {log}:\n{Tail(log)}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the node's dockerd did not answer within {StartTimeout.TotalSeconds:0}s; its log {log}:\n{Tail(log)}");
            }

            await Task.Delay(100, cancel);
        }

        if (int.TryParse(ReadOrEmpty(pidFile).Trim(), CultureInfo.InvariantCulture, out var recorded))
        {
            pid = recorded;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        await StopAsync(pid, root);
        RemoveDirectories(root, execRoot);
    }

    /// <summary>Stops and removes the daemons of owners that are gone (a test host that crashed or was killed).</summary>
    private static async Task RemoveAbandonedAsync()
    {
        if (!Directory.Exists(StateRoot))
        {
            return;
        }

        foreach (var directory in Directory.GetDirectories(StateRoot))
        {
            var lines = File.Exists(Path.Combine(directory, "owner")) ? await File.ReadAllLinesAsync(Path.Combine(directory, "owner")) : [];
            var owner = lines.FirstOrDefault()?.Split(' ') ?? [];
            if (owner.Length == 2 && int.TryParse(owner[0], CultureInfo.InvariantCulture, out var ownerPid)
                && IsAlive(ownerPid) && StartTime(ownerPid) == owner[1])
            {
                continue;
            }

            if (owner.Length == 0 && Directory.GetLastWriteTimeUtc(directory) > DateTime.UtcNow.AddMinutes(-1))
            {
                continue; // Being set up right now.
            }

            var daemonPid = int.TryParse(ReadOrEmpty(Path.Combine(directory, "dockerd.pid")).Trim(), CultureInfo.InvariantCulture, out var p) ? p : 0;
            await StopAsync(daemonPid, directory);
            RemoveDirectories(directory, lines.Skip(1).FirstOrDefault());
        }
    }

    /// <summary>SIGTERM, then SIGKILL after the timeout; only a process whose command line names our state directory.</summary>
    private static async Task StopAsync(int daemonPid, string directory)
    {
        if (daemonPid <= 0 || !IsAlive(daemonPid) || !ReadOrEmpty($"/proc/{daemonPid}/cmdline").Contains(directory, StringComparison.Ordinal))
        {
            return;
        }

        _ = kill(daemonPid, SigTerm);
        var deadline = DateTime.UtcNow + StopTimeout;
        while (IsAlive(daemonPid) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        if (IsAlive(daemonPid))
        {
            _ = kill(daemonPid, SigKill);
            while (IsAlive(daemonPid) && DateTime.UtcNow < deadline + TimeSpan.FromSeconds(5))
            {
                await Task.Delay(100);
            }
        }
    }

    private static void RemoveDirectories(string directory, string? execRoot)
    {
        foreach (var path in new[] { execRoot, directory })
        {
            if (path is null || !Directory.Exists(path))
            {
                continue;
            }

            try
            {
                Directory.Delete(path, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A mount or a file still held; the next start's sweep tries again.
            }
        }
    }

    /// <summary>Alive and not a zombie (a zombie keeps /proc/PID until its parent reaps it).</summary>
    private static bool IsAlive(int processId)
    {
        var stat = ReadOrEmpty($"/proc/{processId}/stat");
        var close = stat.LastIndexOf(')');
        return close > 0 && close + 2 < stat.Length && stat[close + 2] != 'Z';
    }

    /// <summary>The process's start time in clock ticks since boot (field 22 of /proc/PID/stat): tells a reused pid apart.</summary>
    private static string StartTime(int processId)
    {
        var stat = ReadOrEmpty($"/proc/{processId}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return fields.Length > 19 ? fields[19] : "";
    }

    private static string ReadOrEmpty(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    private static string Tail(string path) => string.Join("\n", ReadOrEmpty(path).Split('\n').TakeLast(20));

    private static string Quote(string text) => "'" + text.Replace("'", "'\\''") + "'";

    private static string? FindDockerd() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Append("/usr/sbin").Append("/usr/bin")
            .Select(d => Path.Combine(d, "dockerd")).FirstOrDefault(File.Exists);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);

    [LibraryImport("libc")]
    private static partial uint geteuid();
}
