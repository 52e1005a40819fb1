using Build.Configuration;
using Build.Docker;
using Build.Infrastructure;
using Build.Kubernetes;
using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Frosting;

namespace Build;

/// <summary>
/// What every task works with: the parsed inputs (read here, once, so that a bad value stops the run before
/// anything happens) and the state tasks hand to each other and to Teardown.
/// </summary>
public sealed class BuildContext : FrostingContext
{
    private readonly Lazy<RedeployConfig> _config;
    private readonly Lock _logLock = new();

    public BuildContext(ICakeContext context)
        : base(context)
    {
        Settings = BuildSettings.Parse(
            context.Arguments, context.Environment.GetEnvironmentVariable, context.Environment.WorkingDirectory.FullPath, System.Environment.GetCommandLineArgs()[1..]);
        _config = new Lazy<RedeployConfig>(() => RedeployConfig.Load(Settings.ConfigPath).WithOverrides(Settings));
        GitHub = new GitHubActions(context.Environment.GetEnvironmentVariable);
    }

    public BuildSettings Settings { get; }

    /// <summary>The services file with the command line's overrides, read when a task first needs it.</summary>
    public RedeployConfig Config => _config.Value;

    public GitHubActions GitHub { get; }

    /// <summary>What CredsFallback looks at, from the process environment.</summary>
    public FallbackInputs FallbackInputs => new(
        Environment.GetEnvironmentVariable(EnvironmentVariableNames.DockerConfig),
        Environment.GetEnvironmentVariable(OperatingSystem.IsWindows() ? EnvironmentVariableNames.UserProfile : EnvironmentVariableNames.Home),
        Settings.KeepDockerCreds,
        DockerConfigFile.Read);

    /// <summary>The temporary DOCKER_CONFIG made by CredsFallback, removed by Teardown.</summary>
    public TemporaryDockerConfig? TemporaryDockerConfig { get; set; }

    /// <summary>Cluster reads Setup started so that they overlap the builds.</summary>
    public ClusterReads ClusterReads { get; set; } = ClusterReads.None;

    /// <summary>The images DockerBuild made, in the order of the services file.</summary>
    public List<BuiltImage> BuiltImages { get; } = [];

    /// <summary>Deployments ApplyManifests created or changed: Rollout waits for them even if their image is already set.</summary>
    public HashSet<string> AppliedDeployments { get; } = [];

    /// <summary>What happened to each service, for the summary Teardown prints.</summary>
    public RunReport Report { get; } = new();

    /// <summary>kubectl settings for the configured context and namespace.</summary>
    public KubectlSettings Kubectl(TimeSpan? toolTimeout = null) => new()
    {
        Context = Config.KubeContext,
        Namespace = Config.Namespace,
        ToolTimeout = toolTimeout ?? TimeSpan.FromMinutes(2),
    };

    /// <summary>Runs a long step with a spinner in a terminal, or with plain progress lines elsewhere.</summary>
    public T WithProgress<T>(string step, string activity, Func<T> work) =>
        Progress.Run(Progress.IsInteractive(GitHub), step, activity, text => LogText(text), work);

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
    /// Logs text as it is, at Normal verbosity. (Cake highlights format arguments, which suits a value in a
    /// sentence but not a whole line of tool output, so the text itself is the format, braces escaped.)
    /// </summary>
    public void LogText(string text, LogLevel level = LogLevel.Information)
    {
        lock (_logLock)
        {
            Log.Write(Verbosity.Normal, level, text.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal));
        }
    }
}
