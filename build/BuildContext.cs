using Build.Configuration;
using Build.Docker;
using Build.Infrastructure;
using Build.Kubernetes;
using Build.Minikube;
using Build.Tools;
using Cake.Common.Build;
using Cake.Common.Build.GitHubActions;
using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Frosting;

namespace Build;

/// <summary>
/// What every task works with: the parsed inputs (read here, once, so that a bad value stops the run before
/// anything happens), and the results tasks hand on to later tasks and to Teardown. Each result says which task
/// sets it; nothing else does.
/// </summary>
public sealed class BuildContext : FrostingContext
{
    private Lazy<RedeployConfig> _config;
    private readonly Lock _logLock = new();

    public BuildContext(ICakeContext context, BuildCancellation cancellation)
        : base(context)
    {
        Cancellation = cancellation;
        Host = HostEnvironment.Read(context.Environment.GetEnvironmentVariable, OperatingSystem.IsWindows());
        Settings = BuildSettings.Parse(context.Arguments, Host, context.Environment.WorkingDirectory.FullPath, System.Environment.GetCommandLineArgs()[1..]);
        _config = new Lazy<RedeployConfig>(() => RedeployConfig.Load(Settings.ConfigPath).WithOverrides(Settings));
        GitHub = context.GitHubActions();
    }

    /// <summary>The environment variables the build reads, read once.</summary>
    public HostEnvironment Host { get; }

    public BuildSettings Settings { get; }

    /// <summary>The services file with the command line's overrides, read when first needed (Setup, for the targets that use it).</summary>
    public RedeployConfig Config => _config.Value;

    /// <summary>
    /// Watch, before each iteration: the services file as it now stands, narrowed to the services that changed, and a
    /// fresh start for what tasks hand on (the images built, the manifests applied, the report). What cannot have changed
    /// stays: the tool environment, the docker config session, the lock, the delivery choice.
    /// </summary>
    public void StartIteration(RedeployConfig config)
    {
        _config = new Lazy<RedeployConfig>(config);
        BuiltImages.Clear();
        AppliedDeployments.Clear();
        Report = new RunReport();
        Cluster = null; // the deployments changed since Preflight read them: Rollout reads them again
    }

    /// <summary>Cake's GitHub Actions provider: log groups and the step summary when the run is a GitHub Actions job.</summary>
    public IGitHubActionsProvider GitHub { get; }

    /// <summary>Ctrl-C and SIGTERM: long waits end when it is cancelled.</summary>
    public BuildCancellation Cancellation { get; }

    /// <summary>What CredsFallback looks at: the user's DOCKER_CONFIG and home, and the opt-out.</summary>
    public FallbackInputs FallbackInputs(KeepCredsSetting keep) => new(Host.DockerConfig, Host.Home, keep, DockerConfigFile.Read);

    /// <summary>Set by Setup: what this run is about (its target, its tasks and what they declare).</summary>
    public RunIntent Intent { get; set; } = RunIntent.None;

    // ---- results of tasks ----

    /// <summary>Set by CredsFallback: what every docker, minikube and kubectl process gets on top of the build's environment.</summary>
    public ToolEnvironment ToolEnvironment { get; set; } = ToolEnvironment.Inherited;

    /// <summary>Set by CredsFallback: the docker configuration of the run and its temporary configs, which Teardown removes.</summary>
    public DockerConfigSession? DockerConfig { get; set; }

    /// <summary>Set by ClusterLock: this machine's lock, held until Teardown releases it.</summary>
    public RedeployLock? Lock { get; set; }

    /// <summary>Set by ClusterLock: the cluster's lock, renewed until Teardown gives it up (null when there was no namespace to keep it in).</summary>
    public ClusterLease? Lease { get; set; }

    /// <summary>Set by ClusterLock when the cluster could not be asked for its lock; Preflight says why.</summary>
    public Exception? LeaseProblem { get; set; }

    /// <summary>Set by Preflight: the namespace's deployments as they were before this run changed anything.</summary>
    public ClusterState? Cluster { get; set; }

    /// <summary>Set by ImageDelivery: how images reach the cluster (the choice, the docker environment, what each step does).</summary>
    public Delivery.DeliveryStrategy? Delivery { get; set; }

    /// <summary>Set by DockerBuild: the images it made, in the order of the services file.</summary>
    public List<BuiltImage> BuiltImages { get; } = [];

    /// <summary>Set by ApplyManifests: deployments it created or changed; Rollout waits for them even if their image is already set.</summary>
    public HashSet<string> AppliedDeployments { get; } = [];

    /// <summary>Set by PruneImages: the pruning it started, which Teardown waits for after the result table and before releasing the lock.</summary>
    public Pruning.BackgroundPruning? Pruning { get; set; }

    /// <summary>What happened to each service, for the summary Teardown prints (Watch: of the current iteration).</summary>
    public RunReport Report { get; private set; } = new();

    /// <summary>Set by Watch and by Redeploy with --logs=1: the followers of the new pods' logs, which Teardown stops.</summary>
    public Kubernetes.PodLogFollowers? LogFollowers { get; set; }

    // ---- how tools are run: environment and deadline, explicitly ----

    /// <summary>kubectl settings for the configured context and namespace, with the tool environment and a deadline.</summary>
    public KubectlSettings Kubectl(TimeSpan deadline, TimeSpan? requestTimeout = null) => ToolEnvironment.ApplyTo(new KubectlSettings
    {
        Context = Config.KubeContext,
        Namespace = Config.Namespace,
        ToolTimeout = deadline,
        RequestTimeout = requestTimeout ?? Deadlines.KubectlRequest,
    });

    /// <summary>minikube settings for the configured profile, with the tool environment and a deadline.</summary>
    public MinikubeSettings Minikube(TimeSpan deadline) =>
        ToolEnvironment.ApplyTo(new MinikubeSettings { Profile = Config.MinikubeProfile, ToolTimeout = deadline });

    /// <summary>What the kubeconfig has, for a context that was not found: a missing file by name, else its contexts (a kubectl call that contacts no server).</summary>
    public KubeconfigFacts KubeconfigFacts()
    {
        if (PreflightChecks.KubeconfigProblem(Host.Kubeconfig, Host.Home, File.Exists) is { } problem)
        {
            return new KubeconfigFacts(problem, null);
        }

        try
        {
            return new KubeconfigFacts(null, this.KubectlContexts(Kubectl(Deadlines.Preflight)));
        }
        catch (Exception exception) when (exception is Build.Tools.ToolFailedException or Build.Tools.ToolTimeoutException or Build.Tools.ToolNotFoundException)
        {
            return new KubeconfigFacts(null, null);
        }
    }

    /// <summary>The minikube profile's settings from its config.json (a file read: no minikube process).</summary>
    public ProfileConfig ReadProfileConfig() =>
        ProfileConfig.Read(ProfileConfig.Directory(Host.MinikubeHome, Host.Home, Directory.Exists), Config.MinikubeProfile);

    /// <summary>Where hints point: this run's profile, context, namespace and delivery.</summary>
    public Delivery.HintContext Hints => new(Config.MinikubeProfile, Config.KubeContext, Config.Namespace, Delivery);

    // ---- output ----

    /// <summary>Runs a long step with a spinner in a terminal, or with plain progress lines elsewhere.</summary>
    public T WithProgress<T>(string step, string activity, Func<T> work, Func<T, TimeSpan, string>? finished = null) =>
        Progress.Run(Progress.IsInteractive(GitHub.IsRunningOnGitHubActions || Host.Ci), step, activity, text => LogText(text), work, finished);

    /// <summary>Logs one line of a tool's output, prefixed with whose it is; safe from parallel builds.</summary>
    public void LogLine(string prefix, string line) => LogText($"[{prefix}] {line}");

    public void LogTable(TextTable table)
    {
        foreach (var line in table.Lines())
        {
            LogText(line);
        }
    }

    /// <summary>
    /// Logs text as it is, at the verbosity Cake gives its level (errors even at quiet, information at normal). (Cake
    /// highlights format arguments, which suits a value in a sentence but not a whole line of tool output, so the text
    /// itself is the format, braces escaped.)
    /// </summary>
    public void LogText(string text, LogLevel level = LogLevel.Information)
    {
        var verbosity = level switch
        {
            LogLevel.Fatal or LogLevel.Error => Verbosity.Quiet,
            LogLevel.Warning => Verbosity.Minimal,
            LogLevel.Information => Verbosity.Normal,
            LogLevel.Verbose => Verbosity.Verbose,
            _ => Verbosity.Diagnostic,
        };
        lock (_logLock)
        {
            Log.Write(verbosity, level, text.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal));
        }
    }
}
