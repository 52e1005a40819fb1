using Build.Tasks;

namespace Build.Infrastructure;

/// <summary>
/// One build argument: its command-line name, default and meaning, and the tasks whose work it changes (the
/// targets that run those tasks are derived from the task graph, see the Default target).
/// </summary>
public sealed record ArgumentSpec(string Name, string Default, string Description, string[] UsedBy, string? EnvironmentVariable = null)
{
    public string Usage => $"--{Name}=";
}

/// <summary>Every argument the build reads. The Default target, the strict check of the command line and the README's table are made from this list.</summary>
public static class ArgumentNames
{
    private static readonly string[] Pipeline = [nameof(ClusterLock), nameof(Preflight), nameof(DockerBuild), nameof(MinikubeImageLoad), nameof(Rollout), nameof(ApplyManifests), nameof(Doctor)];

    public static readonly ArgumentSpec Config = new(
        "config", "redeploy.json", "The services file; paths in it are relative to it.", Pipeline);

    public static readonly ArgumentSpec Services = new(
        "services", "all services in the file", "Comma-separated subset of the services to redeploy, e.g. bot.", Pipeline);

    public static readonly ArgumentSpec Namespace = new(
        "namespace", "the file's namespace", "Kubernetes namespace of the deployments.", [nameof(ClusterLock), nameof(Preflight), nameof(Rollout), nameof(ApplyManifests), nameof(Doctor)]);

    public static readonly ArgumentSpec KubeContext = new(
        "kube-context", "the file's kubeContext", "kubectl context; every kubectl call passes it explicitly.", [nameof(ClusterLock), nameof(Preflight), nameof(Rollout), nameof(ApplyManifests), nameof(Doctor)]);

    public static readonly ArgumentSpec MinikubeProfile = new(
        "minikube-profile", "the file's minikubeProfile", "minikube profile that receives the images.", [nameof(Preflight), nameof(MinikubeImageLoad), nameof(Doctor)]);

    public static readonly ArgumentSpec AllowContext = new(
        "allow-context", "none", "Allows a kube context that is not the minikube profile's (it must name that context).", [nameof(Rollout), nameof(ApplyManifests), nameof(Doctor)]);

    public static readonly ArgumentSpec ImageDelivery = new(
        "image-delivery", "auto", "How images reach the cluster: auto, load (minikube image load), docker-env (build in minikube's Docker) or registry (push).",
        [nameof(Preflight), nameof(Tasks.ImageDelivery), nameof(DockerBuild), nameof(MinikubeImageLoad), nameof(Rollout), nameof(Doctor)]);

    public static readonly ArgumentSpec Registry = new(
        "registry", "the file's registry", "Registry to push to, HOST[:PORT][/PREFIX]; images become HOST/PREFIX/<image>:id-<16 hex>.",
        [nameof(Preflight), nameof(Tasks.ImageDelivery), nameof(DockerBuild), nameof(MinikubeImageLoad), nameof(Rollout), nameof(Doctor), nameof(RegistryLogin)]);

    public static readonly ArgumentSpec RegistryUsername = new(
        "registry-username", "none", "User name RegistryLogin saves a login for (the password is read from standard input).", [nameof(RegistryLogin)],
        EnvironmentVariableNames.RegistryUsername);

    public static readonly ArgumentSpec RolloutTimeout = new(
        "rollout-timeout", "180s", "How long to wait for all rollouts (e.g. 90s, 3m).", [nameof(Rollout)]);

    public static readonly ArgumentSpec LockTimeout = new(
        "lock-timeout", "0s", "How long to wait for another redeploy of the same context and namespace to finish (0s: refuse at once).", [nameof(ClusterLock)]);

    public static readonly ArgumentSpec Parallel = new(
        "parallel", "all", "How many images to build at once.", [nameof(DockerBuild)]);

    public static readonly ArgumentSpec ForceRestart = new(
        "force-restart", "0", "Restart deployments even when their image did not change (1/0).", [nameof(Rollout)]);

    public static readonly ArgumentSpec RollbackOnFailure = new(
        "rollback-on-failure", "0", "Run kubectl rollout undo for the deployments this run changed when a rollout fails (1/0).", [nameof(Rollout)]);

    public static readonly ArgumentSpec KeepDockerCreds = new(
        "keep-docker-creds", "0", "Keep Docker Desktop's credential helper: do not apply the fallback (1/0).", [nameof(CredsFallback), nameof(Doctor)],
        EnvironmentVariableNames.KeepDockerCreds);

    public static readonly ArgumentSpec TestFilter = new(
        "test-filter", "none", "dotnet test --filter expression, e.g. FullyQualifiedName~CredsFallback.", [nameof(Test)]);

    public static readonly ArgumentSpec BenchmarkRounds = new(
        "bench-rounds", "3", "How many rounds the benchmark runs (it reports medians).", [nameof(Benchmark)]);

    public static readonly ArgumentSpec BenchmarkBlobMegabytes = new(
        "bench-blob-mb", "50", "Megabytes of random bytes in each benchmark image.", [nameof(Benchmark)]);

    public static IReadOnlyList<ArgumentSpec> All { get; } =
    [
        Config, Services, Namespace, KubeContext, MinikubeProfile, AllowContext, ImageDelivery, Registry, RegistryUsername, RolloutTimeout, LockTimeout, Parallel,
        ForceRestart, RollbackOnFailure, KeepDockerCreds, TestFilter, BenchmarkRounds, BenchmarkBlobMegabytes,
    ];
}
