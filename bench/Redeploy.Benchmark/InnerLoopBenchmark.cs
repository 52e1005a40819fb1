using System.Diagnostics;
using System.Globalization;
using System.Text;
using ClusterSim;
using TestSupport;

namespace Redeploy.Benchmark;

/// <summary>
/// The inner loop (issue 17): the latency from writing a changed file to the moment the pods of that deployment run
/// the new image, seen in the simulated cluster's API state, for (a) a running ./build.sh --target=Watch and (b) a
/// fresh ./build.sh --target=Redeploy started when the file is written. For each delivery mode and service count one
/// simulated cluster with two namespaces: "watch-ns" (a Watch runs there for the whole case) and "redeploy-ns" (each
/// round starts a Redeploy), each with its own build contexts (their own random bytes), images and services file, so
/// neither profits from the other's build cache and the Watch's lock does not stand in the Redeploy's way. Each round
/// writes the same kind of change (new content in svc-01's version.txt) to both, one after the other, (a) and (b)
/// taking turns to go first; the Watch is stopped (SIGSTOP) while a Redeploy runs, so (b) does not share the CPU with
/// it. After the rounds: the Watch's CPU while idle over ~10 s (from /proc/PID/stat), then
/// SIGINT, and a check that the Watch and every process it had started are gone.
/// Options: --innerloop-services 2,20 (the counts), --innerloop-delivery load,docker-env (docker-env needs the node's
/// dockerd, see SimulatedCluster.DockerDaemonProblem).
/// </summary>
public static class InnerLoopBenchmark
{
    private const string ChangedService = "svc-01";
    private static readonly TimeSpan IdleWindow = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RolloutDeadline = TimeSpan.FromMinutes(3);

    public static async Task<IReadOnlyList<string>> RunAsync(string[] args, int rounds, int blobMegabytes, string buildDll)
    {
        string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        var counts = (Option("--innerloop-services") ?? "2,20").Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => int.Parse(s, CultureInfo.InvariantCulture)).Distinct().Order().ToList();
        var modes = (Option("--innerloop-delivery") ?? "load,docker-env").Split(',', StringSplitOptions.RemoveEmptyEntries).ToList();
        var skipped = modes.Where(m => m == "docker-env" && SimulatedCluster.DockerDaemonProblem is not null)
            .Select(m => $"({m} not measured: {SimulatedCluster.DockerDaemonProblem})").ToList();
        modes = modes.Where(m => m == "load" || (m == "docker-env" && SimulatedCluster.DockerDaemonProblem is null)).ToList();

        var loadBefore = LoadAverage();
        var clock = Stopwatch.StartNew();
        var results = new List<CaseResult>();
        foreach (var mode in modes)
        {
            foreach (var count in counts)
            {
                results.Add(await RunCaseAsync(mode, count, rounds, blobMegabytes, buildDll));
            }
        }

        var table = new List<string[]>
        {
            new[] { "Delivery", "Services", "(a) Watch median (min-max)", "(b) Redeploy median (min-max)", "(a)/(b)", "(b) process exit", "Watch iteration says", "Watch idle CPU", "Ctrl-C" },
        };
        foreach (var r in results)
        {
            table.Add(
            [
                r.Mode,
                $"{r.Count}",
                Spread(r.Watch),
                Spread(r.Redeploy),
                $"{Startup.Median(r.Watch) / Startup.Median(r.Redeploy):0.00}x",
                $"{Startup.Median(r.RedeployExit):0.00}s",
                r.WatchSays.Count == 0 ? "-" : $"{Startup.Median(r.WatchSays):0.00}s",
                $"{r.IdleCpuPercent:0.00}% ({r.IdleCpuWithChildrenPercent:0.00}% with children)",
                r.Stop,
            ]);
        }

        var lines = new List<string>
        {
            $"Inner loop: a changed file to the new image running (pods seen through the simulated API server): (a) a running ./build.sh --target=Watch, " +
            $"(b) a fresh ./build.sh --target=Redeploy; {string.Join("/", counts)} services x {blobMegabytes} MB, one changed, {rounds} round(s); medians " +
            $"(took {clock.Elapsed.TotalMinutes:0.0} min; load average (1 min) {loadBefore} at the start, {LoadAverage()} at the end, on {Environment.ProcessorCount} cores).",
        };
        lines.AddRange(Tables.Format(table));
        foreach (var mode in modes)
        {
            var ofMode = results.Where(r => r.Mode == mode).ToList();
            var ratios = ofMode.Select(r => $"{r.Count} services {Startup.Median(r.Watch) / Startup.Median(r.Redeploy):0.00}x: {YesNo(Startup.Median(r.Watch) <= 0.6 * Startup.Median(r.Redeploy))}");
            lines.Add($"Goal ({mode}): (a) <= 0.6 x (b): {string.Join(", ", ratios)}.");
            if (ofMode.FirstOrDefault(r => r.Count == 2) is { } two && ofMode.FirstOrDefault(r => r.Count == 20) is { } twenty)
            {
                var growth = Startup.Median(twenty.Watch) / Startup.Median(two.Watch);
                lines.Add($"Goal ({mode}): with 20 services (a) <= 1.2 x the 2-service (a): {growth:0.00}x: {YesNo(growth <= 1.2)}.");
            }

            lines.Add($"Goal ({mode}): Watch idle CPU <= 1% of one core (native events): " +
                string.Join(", ", ofMode.Select(r => $"{r.Count} services {r.IdleCpuPercent:0.00}%: {YesNo(r.IdleCpuPercent <= 1)}")) + ".");
        }

        lines.AddRange(skipped);
        return lines;
    }

    private static async Task<CaseResult> RunCaseAsync(string mode, int count, int rounds, int blobMegabytes, string buildDll)
    {
        Console.Error.WriteLine($"innerloop: {mode}, {count} services x {blobMegabytes} MB on a fresh simulated cluster: a first Redeploy, and a Watch...");
        var result = new CaseResult(mode, count);
        await using var workspace = await InnerLoopWorkspace.CreateAsync(mode, count, blobMegabytes);
        await RunBuildAsync(workspace, buildDll, "redeploy"); // the first deployment of the namespace Redeploy is timed in

        await using var watch = WatchProcess.Start(workspace, buildDll);
        await watch.WaitForLineAsync(l => l.StartsWith("Watch: watching ", StringComparison.Ordinal), TimeSpan.FromMinutes(10), "the Watch says it is watching");
        for (var round = 1; round <= rounds; round++)
        {
            Console.Error.WriteLine($"innerloop round {round}/{rounds}: {mode}, {count} services, {ChangedService} changed...");
            var watchFirst = round % 2 == 1;
            foreach (var which in watchFirst ? new[] { "watch", "redeploy" } : ["redeploy", "watch"])
            {
                if (which == "watch")
                {
                    var (latency, says) = await TimeWatchAsync(workspace, watch);
                    result.Watch.Add(latency);
                    if (says is { } s)
                    {
                        result.WatchSays.Add(s);
                    }
                }
                else
                {
                    // The Watch of the other namespace is stopped (SIGSTOP) while the Redeploy runs, so that (b) is a
                    // Redeploy on a machine without a Watch, as a user who does not use Watch has it: an idle Watch
                    // should cost nothing, but one that spins (see the idle CPU) would slow (b) down on 2 cores.
                    watch.Pause();
                    try
                    {
                        var (latency, exit) = await TimeRedeployAsync(workspace, buildDll);
                        result.Redeploy.Add(latency);
                        result.RedeployExit.Add(exit);
                    }
                    finally
                    {
                        watch.Resume();
                    }
                }
            }
        }

        (result.IdleCpuPercent, result.IdleCpuWithChildrenPercent) = await watch.IdleCpuAsync(IdleWindow);
        result.Stop = await watch.InterruptAsync();
        return result;
    }

    /// <summary>(a): writes the change under the running Watch; the time until its pods run the new image, and the iteration's own "done in" figure.</summary>
    private static async Task<(double Latency, double? Says)> TimeWatchAsync(InnerLoopWorkspace workspace, WatchProcess watch)
    {
        var before = workspace.RunningImage("watch", ChangedService);
        var mark = watch.LineCount;
        var clock = Stopwatch.StartNew();
        workspace.Change("watch", ChangedService);
        await workspace.WaitForNewImageAsync("watch", ChangedService, before, RolloutDeadline, () => watch.Exited ? $"the Watch ended:\n{watch.Output}" : null);
        var latency = clock.Elapsed.TotalSeconds;

        // The next change must start its own iteration: wait for this one's last line.
        var done = await watch.WaitForLineAsync(l => l.StartsWith("Watch: iteration ", StringComparison.Ordinal), RolloutDeadline, "the Watch ends its iteration", mark);
        if (!done.Contains(" done in ", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"the Watch's iteration failed: {done}\n{watch.Output}");
        }

        var says = double.TryParse(done.Split(" done in ")[1].Split('s')[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) ? seconds : (double?)null;
        return (latency, says);
    }

    /// <summary>(b): writes the change and starts a Redeploy at once; the time until its pods run the new image, and until the process ended.</summary>
    private static async Task<(double Latency, double Exit)> TimeRedeployAsync(InnerLoopWorkspace workspace, string buildDll)
    {
        var before = workspace.RunningImage("redeploy", ChangedService);
        var clock = Stopwatch.StartNew();
        workspace.Change("redeploy", ChangedService);
        var run = RunBuildAsync(workspace, buildDll, "redeploy");
        await workspace.WaitForNewImageAsync("redeploy", ChangedService, before, RolloutDeadline, () => run.IsCompleted ? $"the Redeploy ended first: {(run.IsFaulted ? run.Exception!.InnerException!.Message : "exit 0")}" : null);
        var latency = clock.Elapsed.TotalSeconds;
        await run;
        return (latency, clock.Elapsed.TotalSeconds);
    }

    private static async Task RunBuildAsync(InnerLoopWorkspace workspace, string buildDll, string pipeline)
    {
        var result = await ProcessRunner.RunAsync("dotnet", [buildDll, "--target=Redeploy", $"--config={workspace.ConfigFile(pipeline)}"], workspace.Environment, timeout: TimeSpan.FromMinutes(10));
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"Redeploy ({workspace.Mode}, {workspace.Count} services) failed:\n{result}");
        }
    }

    private static string Spread(List<double> values) => $"{Startup.Median(values):0.00}s ({values.Min():0.00}-{values.Max():0.00})";

    private static string YesNo(bool value) => value ? "holds" : "does NOT hold";

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

    private sealed class CaseResult(string mode, int count)
    {
        public string Mode { get; } = mode;

        public int Count { get; } = count;

        public List<double> Watch { get; } = [];

        public List<double> WatchSays { get; } = [];

        public List<double> Redeploy { get; } = [];

        public List<double> RedeployExit { get; } = [];

        public double IdleCpuPercent { get; set; }

        public double IdleCpuWithChildrenPercent { get; set; }

        public string Stop { get; set; } = "";
    }
}

/// <summary>A running ./build.sh --target=Watch: its output lines as they come, its CPU, and Ctrl-C.</summary>
public sealed class WatchProcess : IAsyncDisposable
{
    private const int SIGCONT = 18; // Linux (x86-64 and arm64)
    private const int SIGSTOP = 19;

    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly SemaphoreSlim _newLine = new(0);

    private WatchProcess(Process process) => _process = process;

    public int LineCount
    {
        get
        {
            lock (_lines)
            {
                return _lines.Count;
            }
        }
    }

    public bool Exited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_lines)
            {
                return string.Join('\n', _lines);
            }
        }
    }

    public static WatchProcess Start(InnerLoopWorkspace workspace, string buildDll)
    {
        var info = ProcessRunner.CreateStartInfo("dotnet", [buildDll, "--target=Watch", $"--config={workspace.ConfigFile("watch")}"], workspace.Environment);
        var process = new Process { StartInfo = info };
        var watch = new WatchProcess(process);
        void Add(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (watch._lines)
            {
                watch._lines.Add(line);
            }

            watch._newLine.Release();
        }

        process.OutputDataReceived += (_, e) => Add(e.Data);
        process.ErrorDataReceived += (_, e) => Add(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return watch;
    }

    /// <summary>The first line from index <paramref name="from"/> on that matches; throws at the deadline or when the Watch ended.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, string what, int from = 0)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            lock (_lines)
            {
                if (_lines.Skip(from).FirstOrDefault(match) is { } line)
                {
                    return line;
                }
            }

            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the Watch ended (exit {_process.ExitCode}) before {what}:\n{Output}");
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"timed out after {timeout.TotalSeconds:0}s waiting until {what}:\n{Output}");
            }

            // A new line, or a second at most (to notice an exit).
            await _newLine.WaitAsync(left < TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>
    /// The Watch's CPU over <paramref name="window"/> while nothing changes, as % of one core: its own utime+stime, and
    /// with its children (those that ended and were waited for, and those still running, e.g. log followers).
    /// </summary>
    public async Task<(double Own, double WithChildren)> IdleCpuAsync(TimeSpan window)
    {
        var ticksPerSecond = 100.0; // USER_HZ: 100 on Linux for every architecture .NET runs on
        var (own0, all0) = CpuTicks();
        var clock = Stopwatch.StartNew();
        await Task.Delay(window); // the measuring window itself, not a wait for a condition
        var (own1, all1) = CpuTicks();
        var seconds = clock.Elapsed.TotalSeconds;
        return (100 * (own1 - own0) / ticksPerSecond / seconds, 100 * (all1 - all0) / ticksPerSecond / seconds);
    }

    /// <summary>Stops the Watch process (SIGSTOP: it gets no CPU; its children, log followers, run on).</summary>
    public void Pause() => Signals.Send(_process.Id, SIGSTOP);

    /// <summary>Lets a paused Watch go on (SIGCONT).</summary>
    public void Resume() => Signals.Send(_process.Id, SIGCONT);

    /// <summary>
    /// Ctrl-C (SIGINT), as a terminal sends it; then whether the Watch ended within the deadline and left none of the
    /// processes it had started. Says what happened, in a few words.
    /// </summary>
    public async Task<string> InterruptAsync()
    {
        var children = Descendants(_process.Id);
        var clock = Stopwatch.StartNew();
        Signals.Send(_process.Id, Signals.SIGINT);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            return "did NOT end within 30 s (killed)";
        }

        var took = clock.Elapsed.TotalSeconds;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        List<int> left;
        while ((left = children.Where(p => Directory.Exists($"/proc/{p.Pid}") && StartTime(p.Pid) == p.Start).Select(p => p.Pid).ToList()).Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        return $"exit {_process.ExitCode} after {took:0.0}s, " + (left.Count == 0 ? $"no process left (of {children.Count} children)" : $"{left.Count} process(es) LEFT: {string.Join(", ", left)}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    /// <summary>The Watch's own ticks, and those with its children's (reaped: cutime+cstime; running: their utime+stime).</summary>
    private (double Own, double All) CpuTicks()
    {
        var stat = Stat(_process.Id) ?? throw new InvalidOperationException("the Watch ended while its CPU was measured");
        var own = stat[11] + stat[12];
        var all = own + stat[13] + stat[14] + Descendants(_process.Id).Sum(p => Stat(p.Pid) is { } s ? s[11] + s[12] : 0);
        return (own, all);
    }

    /// <summary>The fields of /proc/PID/stat after the command name (field 3, state, is index 0), as numbers where they are; null once it has gone.</summary>
    private static double[]? Stat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            return text[(text.LastIndexOf(')') + 2)..].Split(' ')
                .Select(f => double.TryParse(f, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : 0).ToArray();
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static double? StartTime(int pid) => Stat(pid)?[19];

    /// <summary>Every process below <paramref name="root"/> now, with its start time (so a reused PID is not taken for it).</summary>
    private static List<(int Pid, double? Start)> Descendants(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), out var pid) && Stat(pid) is { } stat)
            {
                parents[pid] = (int)stat[1];
            }
        }

        var result = new List<(int, double?)>();
        var frontier = new Queue<int>([root]);
        while (frontier.Count > 0)
        {
            var parent = frontier.Dequeue();
            foreach (var child in parents.Where(p => p.Value == parent).Select(p => p.Key))
            {
                result.Add((child, StartTime(child)));
                frontier.Enqueue(child);
            }
        }

        return result;
    }
}

/// <summary>
/// One case of the inner-loop benchmark: a fresh simulated minikube profile (its node a real dockerd for docker-env),
/// and for each of "watch" and "redeploy" a namespace with <see cref="Count"/> services (svc-01, ...), each with its
/// own context (a blob of random bytes, a version file), image and Deployment, and a services file.
/// </summary>
public sealed class InnerLoopWorkspace : IAsyncDisposable
{
    private static readonly string[] Pipelines = ["watch", "redeploy"];

    private readonly TempDirectory _root;
    private readonly string _id = Guid.NewGuid().ToString("N")[..6];

    private InnerLoopWorkspace(string mode, int count, TempDirectory root, SimulatedCluster cluster)
    {
        Mode = mode;
        Count = count;
        _root = root;
        Cluster = cluster;
    }

    public string Mode { get; }

    public int Count { get; }

    public SimulatedCluster Cluster { get; }

    public IEnumerable<string> Services => Enumerable.Range(1, Count).Select(n => $"svc-{n:00}");

    public Dictionary<string, string?> Environment => Workspace.ClientEnvironment(Cluster, _root.Combine("home"));

    public static async Task<InnerLoopWorkspace> CreateAsync(string mode, int count, int blobMegabytes)
    {
        var root = new TempDirectory($"bench-innerloop{count}");
        var options = new SimOptions { MinikubeHome = root.Combine("minikube") };
        if (mode == "docker-env")
        {
            options = options with { NodeRuntime = NodeRuntime.DockerDaemon };
        }

        var workspace = new InnerLoopWorkspace(mode, count, root, await SimulatedCluster.StartAsync(options));
        try
        {
            foreach (var pipeline in Pipelines)
            {
                var manifests = new StringBuilder(KubernetesManifests.Namespace(Namespace(pipeline)));
                foreach (var service in workspace.Services)
                {
                    var blob = new byte[blobMegabytes * 1024 * 1024];
                    Random.Shared.NextBytes(blob);
                    Directory.CreateDirectory(root.Combine(pipeline, service));
                    await File.WriteAllBytesAsync(root.Combine(pipeline, service, "blob.bin"), blob);
                    root.WriteFile($"{pipeline}/{service}/version.txt", "1\n");
                    root.WriteFile($"{pipeline}/{service}/Dockerfile", "FROM scratch\nCOPY blob.bin /blob.bin\nCOPY version.txt /version.txt\n");
                    manifests.Append("---\n").Append(KubernetesManifests.Deployment(service, $"{workspace.Image(pipeline, service)}:latest", "IfNotPresent", Namespace(pipeline)));
                }

                root.WriteFile($"{pipeline}/k8s.yaml", manifests.ToString());
                var services = workspace.Services.Select(s => $$"""{ "name": "{{s}}", "image": "{{workspace.Image(pipeline, s)}}", "context": "{{s}}" }""");
                root.WriteFile($"{pipeline}/redeploy.json", $$"""
                    {
                      "namespace": "{{Namespace(pipeline)}}",
                      "imageDelivery": "{{mode}}",
                      "services": [
                        {{string.Join(",\n    ", services)}}
                      ]
                    }
                    """);
                var apply = await ProcessRunner.RunAsync("kubectl", ["apply", "-f", root.Combine(pipeline, "k8s.yaml")], workspace.Environment);
                if (apply.ExitCode != 0)
                {
                    throw new InvalidOperationException(apply.ToString());
                }
            }

            return workspace;
        }
        catch
        {
            await workspace.DisposeAsync();
            throw;
        }
    }

    public static string Namespace(string pipeline) => $"{pipeline}-ns";

    public string ConfigFile(string pipeline) => _root.Combine(pipeline, "redeploy.json");

    public string Image(string pipeline, string service) => $"bench-{_id}-{pipeline}-{service}";

    public void Change(string pipeline, string service) =>
        File.WriteAllText(_root.Combine(pipeline, service, "version.txt"), Guid.NewGuid() + "\n");

    /// <summary>The imageID the service's running pods report when they all report one, else null.</summary>
    public string? RunningImage(string pipeline, string service)
    {
        var ids = RunningImageIds(pipeline, service);
        return ids.Count > 0 && ids.Distinct().Count() == 1 ? ids[0] : null;
    }

    /// <summary>
    /// Waits until every pod of the deployment that is not being deleted runs (ready) an image other than
    /// <paramref name="before"/>, and that image is the one the deployment's template names on the node; polls the
    /// simulated API server's state every 25 ms. <paramref name="gaveUp"/> says why waiting is pointless (or null).
    /// </summary>
    public async Task WaitForNewImageAsync(string pipeline, string service, string? before, TimeSpan timeout, Func<string?> gaveUp)
    {
        if (before is null)
        {
            // Without the image it ran before, the old image (still the template's) could pass for the new one.
            throw new InvalidOperationException($"{service} in {Namespace(pipeline)} did not run one image, ready, before the change");
        }

        var deadline = DateTime.UtcNow + timeout;
        bool Done()
        {
            var ids = RunningImageIds(pipeline, service);
            return ids.Count > 0 && ids.All(id => id != before) && ids.Distinct().Count() == 1 && ids[0] == TemplateImageId(pipeline, service);
        }

        while (true)
        {
            if (Done())
            {
                return;
            }

            // Asked again after the reason: a Redeploy that ended just after the first look has rolled out.
            if (gaveUp() is { } reason && !Done())
            {
                throw new InvalidOperationException($"{service} in {Namespace(pipeline)} never ran its new image: {reason}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out after {timeout.TotalSeconds:0}s waiting until {service} in {Namespace(pipeline)} runs its new image (it runs {string.Join(", ", RunningImageIds(pipeline, service))})");
            }

            await Task.Delay(25);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        foreach (var pipeline in Pipelines)
        {
            foreach (var service in Services)
            {
                await DockerImages.RemoveRepositoryAsync(Image(pipeline, service));
            }
        }

        _root.Dispose();
    }

    /// <summary>The imageIDs of the deployment's pods that are not being deleted; "" for one not running and ready.</summary>
    private List<string> RunningImageIds(string pipeline, string service) =>
        Cluster.GetPods(Namespace(pipeline), $"app={service}")
            .Where(pod => pod["metadata"]?["deletionTimestamp"] is null)
            .SelectMany(pod => pod["status"]?["containerStatuses"]?.AsArray() ?? [])
            .Select(status => status?["ready"]?.GetValue<bool>() == true && status["state"]?["running"] is not null ? (string?)status["imageID"] ?? "" : "")
            .ToList();

    /// <summary>"docker://sha256:..." of the image the deployment's template names, as the node resolves it; null if it has none.</summary>
    private string? TemplateImageId(string pipeline, string service)
    {
        var image = (string?)Cluster.GetDeployment(Namespace(pipeline), service)?["spec"]?["template"]?["spec"]?["containers"]?[0]?["image"];
        return image is not null && Cluster.NodeImageId(image) is { } id ? "docker://" + id : null;
    }
}
