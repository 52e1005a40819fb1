using System.Diagnostics;
using ClusterSim;
using TestSupport;

namespace Redeploy.Benchmark;

/// <summary>
/// The delivery modes against each other, in the same run: for each round and mode a fresh simulated cluster and two
/// services whose images carry a blob of random bytes; a first redeploy (both built and delivered) and a one-service
/// change. load: minikube image load into the simulated node (it reads the whole archive); docker-env: the node runs a
/// real second dockerd and the build happens there; registry: a real private registry (htpasswd) and a simulated
/// cluster that is not a minikube profile pulling from it. Modes take turns first within a round.
/// </summary>
public static class DeliveryBenchmark
{
    private static readonly string[] Modes = ["load", "docker-env", "registry"];
    private static readonly string[] Cases = ["first redeploy", "one service changed"];

    public static async Task<IReadOnlyList<string>> RunAsync(int rounds, int blobMegabytes, string buildDll)
    {
        var available = Modes.Where(mode => Problem(mode) is null).ToList();
        var times = available.ToDictionary(m => m, _ => Cases.ToDictionary(c => c, _ => new List<double>()));
        for (var round = 1; round <= rounds; round++)
        {
            foreach (var mode in available.Skip((round - 1) % available.Count).Concat(available.Take((round - 1) % available.Count)))
            {
                Console.Error.WriteLine($"delivery round {round}/{rounds}: {mode}, 2 services x {blobMegabytes} MB on a fresh simulated cluster...");
                await using var workspace = await DeliveryWorkspace.CreateAsync(mode, blobMegabytes);
                times[mode]["first redeploy"].Add(await TimeAsync(workspace, buildDll));
                workspace.Change("bot");
                times[mode]["one service changed"].Add(await TimeAsync(workspace, buildDll));
            }
        }

        var table = new List<string[]> { new[] { "Case" }.Concat(available.Select(m => m)).Concat(available.Skip(1).Select(m => $"{m} / load")).ToArray() };
        foreach (var name in Cases)
        {
            var medians = available.ToDictionary(m => m, m => Startup.Median(times[m][name]));
            table.Add([name, .. available.Select(m => $"{medians[m]:0.00}s"), .. available.Skip(1).Select(m => $"{medians[m] / medians["load"]:0.00}x")]);
        }

        var lines = new List<string>
        {
            $"Image delivery: ./build.sh --target=Redeploy --image-delivery=MODE, 2 services x {blobMegabytes} MB, {rounds} round(s), simulated clusters; medians.",
        };
        lines.AddRange(Tables.Format(table));
        lines.AddRange(Modes.Except(available).Select(m => $"({m} not measured: {Problem(m)})"));
        return lines;
    }

    private static string? Problem(string mode) => mode switch
    {
        "docker-env" => SimulatedCluster.DockerDaemonProblem,
        "registry" => Requirements.FindOnPath("docker-registry") is null || Requirements.FindOnPath("htpasswd") is null
            ? "docker-registry and htpasswd are not installed"
            : null,
        _ => null,
    };

    private static async Task<double> TimeAsync(DeliveryWorkspace workspace, string buildDll)
    {
        var clock = Stopwatch.StartNew();
        var run = await ProcessRunner.RunAsync("dotnet", [buildDll, "--target=Redeploy", .. workspace.Arguments], workspace.Environment, timeout: TimeSpan.FromMinutes(10));
        var elapsed = clock.Elapsed.TotalSeconds;
        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException($"Redeploy with {workspace.Mode} delivery failed:\n{run}");
        }

        return elapsed;
    }
}

/// <summary>One mode's cluster (and registry), two services with random blobs, their deployments applied.</summary>
public sealed class DeliveryWorkspace : IAsyncDisposable
{
    private const string Namespace = "delivery-ns";
    private static readonly string[] Services = ["bot", "dashboard"];

    private readonly TempDirectory _root;
    private readonly string _id = Guid.NewGuid().ToString("N")[..6];
    private PrivateRegistry? _registry;

    private DeliveryWorkspace(string mode, TempDirectory root, SimulatedCluster cluster)
    {
        Mode = mode;
        _root = root;
        Cluster = cluster;
    }

    public string Mode { get; }

    public SimulatedCluster Cluster { get; }

    public IReadOnlyList<string> Arguments => Mode == "registry"
        ? [$"--config={_root.Combine("redeploy.json")}", $"--allow-context={Cluster.ContextName}"]
        : [$"--config={_root.Combine("redeploy.json")}"];

    public Dictionary<string, string?> Environment
    {
        get
        {
            var environment = Workspace.ClientEnvironment(Cluster, _root.Combine("home"));
            environment["COINPILOT_REGISTRY_USERNAME"] = _registry?.User;
            environment["COINPILOT_REGISTRY_PASSWORD"] = _registry?.Password;
            return environment;
        }
    }

    public static async Task<DeliveryWorkspace> CreateAsync(string mode, int blobMegabytes)
    {
        var root = new TempDirectory("bench-delivery");
        var options = new SimOptions { MinikubeHome = root.Combine("minikube") };
        options = mode switch
        {
            "docker-env" => options with { NodeRuntime = NodeRuntime.DockerDaemon },
            "registry" => options with { Kind = ClusterKind.Remote, ContextName = "shared-dev" },
            _ => options,
        };
        var workspace = new DeliveryWorkspace(mode, root, await SimulatedCluster.StartAsync(options));
        if (mode == "registry")
        {
            workspace._registry = await PrivateRegistry.StartEmptyAsync();
        }

        foreach (var service in Services)
        {
            var blob = new byte[blobMegabytes * 1024 * 1024];
            Random.Shared.NextBytes(blob);
            Directory.CreateDirectory(root.Combine(service));
            await File.WriteAllBytesAsync(root.Combine(service, "blob.bin"), blob);
            root.WriteFile($"{service}/version.txt", "1\n");
            root.WriteFile($"{service}/Dockerfile", "FROM scratch\nCOPY blob.bin /blob.bin\nCOPY version.txt /version.txt\n");
            root.WriteFile($"k8s/{service}.yaml", KubernetesManifests.Deployment(service, $"{workspace.Image(service)}:latest", "IfNotPresent", Namespace));
        }

        root.WriteFile("k8s/namespace.yaml", KubernetesManifests.Namespace(Namespace));
        var registry = workspace._registry is { } r ? $"\"registry\": \"{r.Host}/bench\", \"kubeContext\": \"{workspace.Cluster.ContextName}\"," : "";
        root.WriteFile("redeploy.json", $$"""
            {
              "namespace": "{{Namespace}}", "imageDelivery": "{{mode}}", {{registry}}
              "services": [ {{string.Join(", ", Services.Select(s => $$"""{ "name": "{{s}}", "image": "{{workspace.Image(s)}}", "context": "{{s}}" }"""))}} ]
            }
            """);
        await workspace.KubectlAsync("apply", "-f", root.Combine("k8s", "namespace.yaml"));
        await workspace.KubectlAsync("apply", "-f", root.Combine("k8s"));
        if (workspace._registry is { } pull)
        {
            await workspace.KubectlAsync("-n", Namespace, "create", "secret", "docker-registry", "regcred",
                $"--docker-server={pull.Host}", $"--docker-username={pull.User}", $"--docker-password={pull.Password}");
            await workspace.KubectlAsync("-n", Namespace, "patch", "serviceaccount", "default", "-p", """{"imagePullSecrets":[{"name":"regcred"}]}""");
        }

        return workspace;
    }

    public string Image(string service) => $"bench-{_id}-{service}";

    public void Change(string service) => File.WriteAllText(_root.Combine(service, "version.txt"), Guid.NewGuid() + "\n");

    /// <summary>Gives the service's next image labels (the simulation's io.clustersim.* say what its container does).</summary>
    public void Label(string service, params (string Name, string Value)[] labels) =>
        File.WriteAllText(_root.Combine(service, "Dockerfile"),
            "FROM scratch\nCOPY blob.bin /blob.bin\nCOPY version.txt /version.txt\n" + string.Concat(labels.Select(l => $"LABEL {l.Name}=\"{l.Value}\"\n")));

    /// <summary>kubectl in the workspace's namespace; throws when it fails.</summary>
    public Task KubectlInNamespaceAsync(params string[] arguments) => KubectlAsync(["-n", Namespace, .. arguments]);

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        if (_registry is not null)
        {
            await ((IAsyncDisposable)_registry).DisposeAsync();
        }

        foreach (var service in Services)
        {
            await DockerImages.RemoveRepositoryAsync(Image(service));
            if (_registry is not null)
            {
                await DockerImages.RemoveRepositoryAsync($"{_registry.Host}/bench/{Image(service)}");
            }
        }

        _root.Dispose();
    }

    private async Task KubectlAsync(params string[] arguments)
    {
        var result = await ProcessRunner.RunAsync("kubectl", arguments, Environment);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(result.ToString());
        }
    }
}
