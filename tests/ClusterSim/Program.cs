using System.Runtime.InteropServices;
using ClusterSim;
using ClusterSim.Minikube;

// dotnet ClusterSim.dll serve --minikube-home DIR [--profile NAME] [--kubernetes-minor N] [--pod-start-delay-ms MS]
//     [--kubelet-backoff-ms MS] [--minikube-latency fast|real]
//     [--node-runtime simulated|docker] [--container-runtime docker|containerd|cri-o] [--kind minikube|remote] [--context NAME]
// dotnet ClusterSim.dll minikube ARGS...   (what the `minikube` wrapper in the bin directory runs)
return args switch
{
    ["minikube", .. var rest] => await MinikubeCli.RunAsync(rest, Console.Out, Console.Error),
    ["serve", .. var rest] => await ServeAsync(rest),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: ClusterSim serve --minikube-home DIR [--profile NAME] [--kubernetes-minor N] [--pod-start-delay-ms MS]");
    Console.Error.WriteLine("           [--kubelet-backoff-ms MS] [--minikube-latency fast|real]");
    Console.Error.WriteLine("           [--node-runtime simulated|docker] [--container-runtime docker|containerd|cri-o] [--kind minikube|remote] [--context NAME]");
    Console.Error.WriteLine("       ClusterSim minikube ARGS...");
    return 2;
}

static async Task<int> ServeAsync(string[] args)
{
    string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
    if (Option("--minikube-home") is not { } home)
    {
        return Usage();
    }

    var options = new SimOptions
    {
        MinikubeHome = home,
        Profile = Option("--profile") ?? "minikube",
        KubernetesMinor = Option("--kubernetes-minor") ?? "32",
        PodStartDelay = int.TryParse(Option("--pod-start-delay-ms"), out var ms) ? TimeSpan.FromMilliseconds(ms) : TimeSpan.FromMilliseconds(300),
        KubeletBackOff = int.TryParse(Option("--kubelet-backoff-ms"), out var backOff) ? TimeSpan.FromMilliseconds(backOff) : TimeSpan.FromSeconds(10),
        NodeRuntime = Option("--node-runtime") switch
        {
            null or "simulated" => NodeRuntime.Simulated,
            "docker" => NodeRuntime.DockerDaemon,
            var other => throw new ArgumentException($"--node-runtime must be simulated or docker, not {other}"),
        },
        MinikubeLatency = Option("--minikube-latency") switch
        {
            null or "fast" => MinikubeLatency.Fast,
            "real" => MinikubeLatency.Real,
            var other => throw new ArgumentException($"--minikube-latency must be fast or real, not {other}"),
        },
        ContainerRuntime = Option("--container-runtime") ?? "docker",
        Kind = Option("--kind") switch
        {
            null or "minikube" => ClusterKind.Minikube,
            "remote" => ClusterKind.Remote,
            var other => throw new ArgumentException($"--kind must be minikube or remote, not {other}"),
        },
        ContextName = Option("--context") ?? "shared-dev",
    };
    await using var cluster = await SimulatedCluster.StartAsync(options);
    foreach (var (name, value) in cluster.ClientEnvironment)
    {
        Console.WriteLine($"export {name}='{value.Replace("'", "'\\''")}'");
    }

    Console.Error.WriteLine($"# cluster {cluster.ContextName} serving on {cluster.ServerUrl}; Ctrl-C or SIGTERM stops it");
    if (cluster.NodeDockerEnvironment.TryGetValue("DOCKER_HOST", out var nodeDocker))
    {
        Console.Error.WriteLine($"# the node's dockerd listens on {nodeDocker}: eval \"$(minikube -p {options.Profile} docker-env)\" points docker at it");
    }
    var stop = new TaskCompletionSource();
    using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.TrySetResult(); });
    using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult(); });
    await stop.Task;
    return 0;
}
