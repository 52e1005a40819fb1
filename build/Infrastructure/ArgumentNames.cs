namespace Build.Infrastructure;

/// <summary>The names of the build's arguments (<c>--name=value</c>), as tasks declare them in <see cref="Tasks.TaskArgumentsAttribute"/>.</summary>
public static class ArgumentNames
{
    public const string Config = "config";
    public const string Services = "services";
    public const string Namespace = "namespace";
    public const string KubeContext = "kube-context";
    public const string MinikubeProfile = "minikube-profile";
    public const string AllowContext = "allow-context";
    public const string ImageDelivery = "image-delivery";
    public const string Registry = "registry";
    public const string RegistryUsername = "registry-username";
    public const string RolloutTimeout = "rollout-timeout";
    public const string LockTimeout = "lock-timeout";
    public const string LockLease = "lock-lease";
    public const string Parallel = "parallel";
    public const string ForceRestart = "force-restart";
    public const string RollbackOnFailure = "rollback-on-failure";
    public const string FailAfterRestarts = "fail-after-restarts";
    public const string KeepDockerCreds = "keep-docker-creds";
    public const string Prune = "prune";
    public const string KeepImages = "keep-images";
    public const string PruneRegistry = "prune-registry";
    public const string TestFilter = "test-filter";
    public const string BenchmarkRounds = "bench-rounds";
    public const string BenchmarkBlobMegabytes = "bench-blob-mb";
    public const string WatchDebounce = "watch-debounce";
    public const string WatchPoll = "watch-poll";
    public const string Logs = "logs";
}

/// <summary>Who reads an argument.</summary>
public enum ArgumentScope
{
    /// <summary>The tasks that declare it (<see cref="Tasks.TaskArgumentsAttribute"/>).</summary>
    Task,

    /// <summary>It overrides the services file: every task that uses the services file reads it.</summary>
    ServicesFile,

    /// <summary>It guards a change to the cluster: every task that changes the cluster reads it.</summary>
    ClusterChange,
}

/// <summary>One build argument: its name, default, meaning, who reads it, and the environment variable that also sets it.</summary>
public sealed record ArgumentSpec(string Name, string Default, string Description, ArgumentScope Scope = ArgumentScope.Task, string? EnvironmentVariable = null)
{
    public string Usage => $"--{Name}=";
}

/// <summary>Every argument the build reads. The Default target, the strict check of the command line and the README's table are made from this list.</summary>
public static class Arguments
{
    public static IReadOnlyList<ArgumentSpec> All { get; } =
    [
        new(ArgumentNames.Config, "redeploy.json", "The services file; paths in it are relative to it.", ArgumentScope.ServicesFile),
        new(ArgumentNames.Services, "all services in the file", "Comma-separated subset of the services to redeploy, e.g. bot.", ArgumentScope.ServicesFile),
        new(ArgumentNames.Namespace, "the file's namespace", "Kubernetes namespace of the deployments.", ArgumentScope.ServicesFile),
        new(ArgumentNames.KubeContext, "the file's kubeContext", "kubectl context; every kubectl call passes it explicitly.", ArgumentScope.ServicesFile),
        new(ArgumentNames.MinikubeProfile, "the file's minikubeProfile", "minikube profile that receives the images.", ArgumentScope.ServicesFile),
        new(ArgumentNames.AllowContext, "none", "Allows a kube context that is not the minikube profile's (it must name that context).", ArgumentScope.ClusterChange),
        new(ArgumentNames.ImageDelivery, "auto", "How images reach the cluster: auto, load (minikube image load), docker-env (build in minikube's Docker) or registry (push).", ArgumentScope.ServicesFile),
        new(ArgumentNames.Registry, "the file's registry", "Registry to push to, HOST[:PORT][/PREFIX]; images become HOST/PREFIX/<image>:id-<16 hex>.", ArgumentScope.ServicesFile),
        new(ArgumentNames.RegistryUsername, "none", "User name RegistryLogin saves a login for (the password is read from standard input).", EnvironmentVariable: EnvironmentVariableNames.RegistryUsername),
        new(ArgumentNames.RolloutTimeout, "180s", "How long to wait for all rollouts (e.g. 90s, 3m)."),
        new(ArgumentNames.LockTimeout, "0s", "How long to wait for another redeploy of the same context and namespace to finish (0s: refuse at once)."),
        new(ArgumentNames.LockLease, "30s", "How long the cluster's lock (a Lease) outlives its last renewal: a run that dies holds it this long; renewed every third of it (at least 5s)."),
        new(ArgumentNames.Parallel, "all", "How many images to build at once."),
        new(ArgumentNames.ForceRestart, "0", "Restart deployments even when their image did not change (1/0)."),
        new(ArgumentNames.RollbackOnFailure, "0", "Run kubectl rollout undo for the deployments this run changed when a rollout fails (1/0)."),
        new(ArgumentNames.FailAfterRestarts, "2", "A new pod whose container crashes again after this many restarts fails its rollout at once (0: on the first crash)."),
        new(ArgumentNames.Prune, "1", "After a successful rollout, remove this build's older id- images (1/0)."),
        new(ArgumentNames.KeepImages, "3", "How many of each service's newest id- images pruning keeps (besides those the cluster uses)."),
        new(ArgumentNames.PruneRegistry, "0", "Pruning also deletes old id- tags from the registry (registry delivery; the registry must allow deletes) (1/0)."),
        new(ArgumentNames.KeepDockerCreds, "0", "Keep Docker Desktop's credential helper: do not apply the fallback (1/0).", EnvironmentVariable: EnvironmentVariableNames.KeepDockerCreds),
        new(ArgumentNames.TestFilter, "none", "dotnet test --filter expression, e.g. FullyQualifiedName~CredsFallback."),
        new(ArgumentNames.BenchmarkRounds, "3", "How many rounds the benchmark runs (it reports medians)."),
        new(ArgumentNames.BenchmarkBlobMegabytes, "50", "Megabytes of random bytes in each benchmark image."),
        new(ArgumentNames.WatchDebounce, "300ms", "Watch: how long to wait after the last file event before redeploying (e.g. 200ms, 1s)."),
        new(ArgumentNames.WatchPoll, "none (native file events)", "Watch: poll the files at this interval instead of native events (e.g. 1s; for WSL's /mnt/c or network file systems)."),
        new(ArgumentNames.Logs, "1 for Watch, 0 for Redeploy", "Follow the logs of the pods running the new images, prefixed [service] (Redeploy: until Ctrl-C) (1/0)."),
    ];

    public static ArgumentSpec For(string name) => All.Single(a => a.Name == name);
}
