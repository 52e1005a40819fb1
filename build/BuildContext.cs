using Build.Configuration;
using Build.Docker;
using Build.Infrastructure;
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

    public BuildContext(ICakeContext context, BuildCancellation cancellation)
        : base(context)
    {
        Cancellation = cancellation;
        Settings = BuildSettings.Parse(context.Arguments, context.Environment.GetEnvironmentVariable, context.Environment.WorkingDirectory.FullPath);
        _config = new Lazy<RedeployConfig>(() => RedeployConfig.Load(Settings.ConfigPath).WithOverrides(Settings));
    }

    public BuildSettings Settings { get; }

    /// <summary>The services file with the command line's overrides, read when a task first needs it.</summary>
    public RedeployConfig Config => _config.Value;

    /// <summary>The images DockerBuild made, in the order of the services file.</summary>
    public List<BuiltImage> BuiltImages { get; } = [];

    public BuildCancellation Cancellation { get; }

    /// <summary>The temporary DOCKER_CONFIG made by CredsFallback, removed by Teardown.</summary>
    public TemporaryDockerConfig? TemporaryDockerConfig { get; set; }

    /// <summary>What CredsFallback looks at, from the process environment.</summary>
    public FallbackInputs FallbackInputs => new(
        Environment.GetEnvironmentVariable(EnvironmentVariableNames.DockerConfig),
        Environment.GetEnvironmentVariable(OperatingSystem.IsWindows() ? EnvironmentVariableNames.UserProfile : EnvironmentVariableNames.Home),
        Settings.KeepDockerCreds,
        DockerConfigFile.Read);

    /// <summary>Logs one line of a tool's output, prefixed with whose it is; safe from parallel builds.</summary>
    public void LogLine(string prefix, string line)
    {
        lock (_logLock)
        {
            Log.Information("[{0}] {1}", prefix, line);
        }
    }

    public void LogTable(TextTable table)
    {
        lock (_logLock)
        {
            foreach (var line in table.Lines())
            {
                Log.Information("{0}", line);
            }
        }
    }
}
