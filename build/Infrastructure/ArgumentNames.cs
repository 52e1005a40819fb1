namespace Build.Infrastructure;

/// <summary>One build argument: its command-line name, default, meaning and the targets that read it.</summary>
public sealed record ArgumentSpec(string Name, string Default, string Description, string ReadBy, string? EnvironmentVariable = null)
{
    public string Usage => $"--{Name}=";
}

/// <summary>Every argument the build reads. The Default target and the README's table are made from this list.</summary>
public static class ArgumentNames
{
    private const string Pipeline = "DockerBuild, MinikubeImageLoad, Rollout, Redeploy, Deploy";

    public static readonly ArgumentSpec Config = new(
        "config", "redeploy.json", "The services file; paths in it are relative to it.", $"{Pipeline}, Doctor");

    public static readonly ArgumentSpec Services = new(
        "services", "all services in the file", "Comma-separated subset of the services to redeploy, e.g. bot.", $"{Pipeline}, Doctor");

    public static readonly ArgumentSpec Namespace = new(
        "namespace", "the file's namespace", "Kubernetes namespace of the deployments.", $"Rollout, Redeploy, Deploy, Doctor");

    public static readonly ArgumentSpec KubeContext = new(
        "kube-context", "the file's kubeContext", "kubectl context; every kubectl call passes it explicitly.", $"Rollout, Redeploy, Deploy, Doctor");

    public static readonly ArgumentSpec MinikubeProfile = new(
        "minikube-profile", "the file's minikubeProfile", "minikube profile that receives the images.", $"MinikubeImageLoad, Redeploy, Deploy, Doctor");

    public static readonly ArgumentSpec AllowContext = new(
        "allow-context", "none", "Allows a kube context that is not the minikube profile's (it must name that context).", $"Rollout, Redeploy, Deploy");

    public static readonly ArgumentSpec RolloutTimeout = new(
        "rollout-timeout", "180s", "How long to wait for all rollouts (e.g. 90s, 3m).", "Rollout, Redeploy, Deploy");

    public static readonly ArgumentSpec Parallel = new(
        "parallel", "all", "How many images to build at once.", "DockerBuild, Redeploy, Deploy");

    public static readonly ArgumentSpec ForceRestart = new(
        "force-restart", "0", "Restart deployments even when their image did not change (1/0).", "Rollout, Redeploy, Deploy");

    public static readonly ArgumentSpec RollbackOnFailure = new(
        "rollback-on-failure", "0", "Run kubectl rollout undo for the deployments this run changed when a rollout fails (1/0).", "Rollout, Redeploy, Deploy");

    public static readonly ArgumentSpec KeepDockerCreds = new(
        "keep-docker-creds", "0", "Keep Docker Desktop's credential helper: do not apply the fallback (1/0).", "CredsFallback, Redeploy, Deploy",
        EnvironmentVariableNames.KeepDockerCreds);

    public static readonly ArgumentSpec TestFilter = new(
        "test-filter", "none", "dotnet test --filter expression, e.g. FullyQualifiedName~CredsFallback.", "Test");

    public static readonly ArgumentSpec BenchmarkRounds = new(
        "bench-rounds", "3", "How many rounds the benchmark runs (it reports medians).", "Benchmark");

    public static readonly ArgumentSpec BenchmarkBlobMegabytes = new(
        "bench-blob-mb", "50", "Megabytes of random bytes in each benchmark image.", "Benchmark");

    public static IReadOnlyList<ArgumentSpec> All { get; } =
    [
        Config, Services, Namespace, KubeContext, MinikubeProfile, AllowContext, RolloutTimeout, Parallel,
        ForceRestart, RollbackOnFailure, KeepDockerCreds, TestFilter, BenchmarkRounds, BenchmarkBlobMegabytes,
    ];
}
