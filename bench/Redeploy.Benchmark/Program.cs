using System.Globalization;
using Redeploy.Benchmark;
using TestSupport;

// Redeploy.Benchmark --build-dll PATH [--rounds N] [--blob-mb MB] [--verbose] [--startup-of REPOSITORY]
//                    [--sweep 2,10,20] [--only startup,compare,sweep,delivery,verdict]
// Five sections, each run by default (--only picks some of them, in this order):
// - startup (only with --startup-of): times a warm ./build.sh against `dotnet run`.
// - compare: times ./build.sh --target=Redeploy against the old script's naive sequence, in the same run, on the
//   same simulated minikube profile (tests/ClusterSim): a first redeploy, one with nothing changed, one with one
//   service changed. Prints medians over the rounds, the ratios against the naive sequence, what each loaded and
//   restarted, and the build host's peak memory.
// - sweep: for each service count of --sweep, a fresh simulated cluster with that many generated services; each of
//   --rounds rounds times a no-op Redeploy and a one-service change twice per count (the counts back to back, there
//   and back), and counts the build's docker/kubectl/minikube calls in one more run of each (Sweep.cs). Prints
//   medians, and whether the issue's goal holds at the largest count against the smallest.
// - delivery: the image delivery modes against each other (load, docker-env, registry) on a first redeploy and a
//   one-service change of 2 services x --blob-mb MB, each round a fresh cluster per mode (DeliveryBenchmark.cs).
// - verdict: how long a rollout that cannot succeed takes to end, with the kubelet's own back-off (VerdictBenchmark.cs).
// --verbose prints Cake's task report of each compared redeploy and the command lines each sweep run made.
// A benchmark: it prints numbers, it does not pass or fail on them.
string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
string[] sections = ["startup", "compare", "sweep", "delivery", "verdict", "innerloop"];
var buildDll = Option("--build-dll");
var rounds = int.Parse(Option("--rounds") ?? "3", CultureInfo.InvariantCulture);
var blobMegabytes = int.Parse(Option("--blob-mb") ?? "50", CultureInfo.InvariantCulture);
var verbose = args.Contains("--verbose");
var sizes = (Option("--sweep") ?? "2,10,20").Split(',', StringSplitOptions.RemoveEmptyEntries)
    .Select(s => int.Parse(s, CultureInfo.InvariantCulture)).Distinct().Order().ToList();
var only = Option("--only")?.Split(',', StringSplitOptions.RemoveEmptyEntries) ?? sections;
if (buildDll is null || !File.Exists(buildDll) || rounds < 1 || sizes.Count == 0 || sizes[0] < 1 || only.Except(sections).Any())
{
    Console.Error.WriteLine("usage: Redeploy.Benchmark --build-dll build/bin/Debug/net10.0/Build.dll [--rounds 3] [--blob-mb 50] " +
        "[--startup-of REPOSITORY] [--sweep 2,10,20] [--only startup,compare,sweep,delivery,verdict] [--verbose]");
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
    await CompareAsync(buildDll, rounds, blobMegabytes, verbose);
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

// Redeploy against the old script's naive sequence: 2 services x blobMegabytes MB, a fresh cluster each round.
static async Task CompareAsync(string buildDll, int rounds, int blobMegabytes, bool verbose)
{
    string[] cases = ["first redeploy", "nothing changed", "one service changed"];
    var results = cases.ToDictionary(c => c, _ => (Redeploy: new List<Measurement>(), Naive: new List<Measurement>()));
    for (var round = 1; round <= rounds; round++)
    {
        Console.Error.WriteLine($"round {round}/{rounds}: 2 services x {blobMegabytes} MB on a fresh simulated cluster...");
        await using var workspace = await Workspace.CreateAsync(blobMegabytes);
        foreach (var pipeline in new[] { "redeploy", "naive" })
        {
            var apply = await ProcessRunner.RunAsync("kubectl", ["apply", "-f", workspace.Manifests(pipeline)], workspace.Environment);
            if (apply.ExitCode != 0)
            {
                throw new InvalidOperationException(apply.ToString());
            }
        }

        foreach (var name in cases)
        {
            if (name == "one service changed")
            {
                workspace.Change("redeploy", "bot");
                workspace.Change("naive", "bot");
            }

            // Alternate which goes first, so neither always runs on the warmer machine.
            var redeployFirst = round % 2 == 1;
            var first = redeployFirst ? await Pipelines.RedeployAsync(workspace, buildDll, verbose) : await Pipelines.NaiveAsync(workspace);
            var second = redeployFirst ? await Pipelines.NaiveAsync(workspace) : await Pipelines.RedeployAsync(workspace, buildDll, verbose);
            results[name].Redeploy.Add(redeployFirst ? first : second);
            results[name].Naive.Add(redeployFirst ? second : first);
        }
    }

    var table = new List<string[]>
    {
        new[] { "Case", "Redeploy", "Naive", "Ratio", "Load calls R/N", "Images sent R/N", "Restarts R/N", "New image runs R/N", "Build host peak" },
    };
    foreach (var name in cases)
    {
        var (redeploy, naive) = results[name];
        var r = Median(redeploy.Select(m => m.Elapsed.TotalSeconds));
        var n = Median(naive.Select(m => m.Elapsed.TotalSeconds));
        table.Add(
        [
            name,
            $"{r:0.00}s",
            $"{n:0.00}s",
            $"{r / n:0.00}x",
            $"{Median(redeploy.Select(m => (double)m.LoadCalls)):0}/{Median(naive.Select(m => (double)m.LoadCalls)):0}",
            $"{Median(redeploy.Select(m => (double)m.ImagesSent)):0}/{Median(naive.Select(m => (double)m.ImagesSent)):0}",
            $"{Median(redeploy.Select(m => (double)m.Restarts)):0}/{Median(naive.Select(m => (double)m.Restarts)):0}",
            $"{(redeploy.All(m => m.NewImageRuns) ? "yes" : "no")}/{(naive.All(m => m.NewImageRuns) ? "yes" : "no")}",
            $"{redeploy.Max(m => m.PeakMegabytes):0} MB",
        ]);
    }

    Print($"Redeploy vs the old script's naive sequence: 2 services x {blobMegabytes} MB, {rounds} round(s), simulated minikube; medians (peak: max).", table);
}

static double Median(IEnumerable<double> values) => Startup.Median(values);

static void Print(string title, IReadOnlyList<string[]> table)
{
    Console.WriteLine(title);
    foreach (var line in Tables.Format(table))
    {
        Console.WriteLine(line);
    }
}
