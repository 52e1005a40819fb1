using System.Globalization;
using ClusterSim;
using Redeploy.Benchmark;
using TestSupport;

// Redeploy.Benchmark --build-dll PATH [--rounds N] [--blob-mb MB] [--verbose] [--startup-of REPOSITORY]
//                    [--sweep 2,10,20] [--only startup,compare,sweep,delivery,verdict]
//                    [--minikube-latency fast|real|both] [--bench-baseline PATH]
// (each option also as --name=value)
// Five sections, each run by default (--only picks some of them, in this order):
// - startup (only with --startup-of): times a warm ./build.sh against `dotnet run`.
// - compare: times ./build.sh --target=Redeploy against the old script's naive sequence, in the same run, on the
//   same simulated minikube profile (tests/ClusterSim): a first redeploy, one with nothing changed, one with one
//   service changed. Prints medians over the rounds, the ratios against the naive sequence, what each loaded and
//   restarted, the minikube calls per run, and the build host's peak memory. Once per --minikube-latency profile
//   (both by default: fast, the simulation's own cost, then real, each minikube call as long as the real one's on the
//   docker driver, tests/ClusterSim/README.md). With --bench-baseline, a second build dll (e.g. published from an
//   older commit) runs the same cases in its own namespace of the same clusters, and the table adds its medians and
//   the ratio ours/baseline, and whether issue 18's goal (real latency: no-op at most 0.7x, one change 0.8x) holds.
// - sweep: for each service count of --sweep, a fresh simulated cluster with that many generated services; each of
//   --rounds rounds times a no-op Redeploy and a one-service change twice per count (the counts back to back, there
//   and back), and counts the build's docker/kubectl/minikube calls in one more run of each (Sweep.cs). Prints
//   medians, and whether the goal holds at the largest count against the smallest.
// - delivery: the image delivery modes against each other (load, docker-env, registry) on a first redeploy and a
//   one-service change of 2 services x --blob-mb MB, each round a fresh cluster per mode (DeliveryBenchmark.cs).
// - verdict: how long a rollout that cannot succeed takes to end, with the kubelet's own back-off (VerdictBenchmark.cs).
// --verbose prints Cake's task report of each compared redeploy and the command lines each sweep run made.
// A benchmark: it prints numbers, it does not pass or fail on them.
string? Option(string name) =>
    args.Where(a => a.StartsWith(name + "=", StringComparison.Ordinal)).Select(a => a[(name.Length + 1)..]).LastOrDefault()
    ?? args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
string[] sections = ["startup", "compare", "sweep", "delivery", "verdict", "innerloop"];
var buildDll = Option("--build-dll");
var rounds = int.Parse(Option("--rounds") ?? "3", CultureInfo.InvariantCulture);
var blobMegabytes = int.Parse(Option("--blob-mb") ?? "50", CultureInfo.InvariantCulture);
var verbose = args.Contains("--verbose");
var sizes = (Option("--sweep") ?? "2,10,20").Split(',', StringSplitOptions.RemoveEmptyEntries)
    .Select(s => int.Parse(s, CultureInfo.InvariantCulture)).Distinct().Order().ToList();
var only = Option("--only")?.Split(',', StringSplitOptions.RemoveEmptyEntries) ?? sections;
MinikubeLatency[]? latencies = (Option("--minikube-latency") ?? "both") switch
{
    "fast" => [MinikubeLatency.Fast],
    "real" => [MinikubeLatency.Real],
    "both" => [MinikubeLatency.Fast, MinikubeLatency.Real],
    _ => null,
};
var baselineDll = Option("--bench-baseline");
if (buildDll is null || !File.Exists(buildDll) || rounds < 1 || sizes.Count == 0 || sizes[0] < 1 || only.Except(sections).Any() ||
    latencies is null || baselineDll is not null && !File.Exists(baselineDll))
{
    Console.Error.WriteLine("usage: Redeploy.Benchmark --build-dll build/bin/Debug/net10.0/Build.dll [--rounds 3] [--blob-mb 50] " +
        "[--startup-of REPOSITORY] [--sweep 2,10,20] [--only startup,compare,sweep,delivery,verdict] [--verbose] " +
        "[--minikube-latency fast|real|both] [--bench-baseline OTHER/Build.dll]");
    return 2;
}

if (!DockerDaemon.IsAvailable || Requirements.FindOnPath("kubectl") is null)
{
    Console.Error.WriteLine("The benchmark needs a Docker daemon (DOCKER_HOST, or scripts/start-test-docker.sh) and kubectl on PATH.");
    return 1;
}

if (only.Contains("startup") && Option("--startup-of") is { } repository)
{
    Console.Error.WriteLine("start-up: a warm ./build.sh against dotnet run --project build/Build.csproj...");
    Print("Start-up (no arguments: the Default target lists targets and arguments).", Startup.Measure(repository, runs: 15));
    Console.WriteLine();
}

if (only.Contains("compare"))
{
    foreach (var (latency, i) in latencies.Select((l, i) => (l, i)))
    {
        if (i > 0)
        {
            Console.WriteLine();
        }

        foreach (var line in await Compare.RunAsync(buildDll, baselineDll, rounds, blobMegabytes, verbose, latency))
        {
            Console.WriteLine(line);
        }
    }

    if (only.Contains("sweep"))
    {
        Console.WriteLine();
    }
}

if (only.Contains("sweep"))
{
    foreach (var line in await Sweep.RunAsync(sizes, rounds, buildDll, verbose))
    {
        Console.WriteLine(line);
    }

    if (only.Contains("delivery"))
    {
        Console.WriteLine();
    }
}

if (only.Contains("delivery"))
{
    foreach (var line in await DeliveryBenchmark.RunAsync(rounds, blobMegabytes, buildDll))
    {
        Console.WriteLine(line);
    }

    if (only.Contains("verdict"))
    {
        Console.WriteLine();
    }
}

if (only.Contains("verdict"))
{
    foreach (var line in await VerdictBenchmark.RunAsync(buildDll))
    {
        Console.WriteLine(line);
    }
}

// - innerloop (issue 17): a running Watch against a fresh Redeploy, a changed file to the new image running
//   (InnerLoopBenchmark.cs; --innerloop-services 2,20, --innerloop-delivery load,docker-env).
if (only.Contains("innerloop"))
{
    if (only.Any(s => s != "innerloop"))
    {
        Console.WriteLine();
    }

    foreach (var line in await InnerLoopBenchmark.RunAsync(args, rounds, blobMegabytes, buildDll))
    {
        Console.WriteLine(line);
    }
}

return 0;

static void Print(string title, IReadOnlyList<string[]> table)
{
    Console.WriteLine(title);
    foreach (var line in Tables.Format(table))
    {
        Console.WriteLine(line);
    }
}
