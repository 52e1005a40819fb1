namespace Build.Infrastructure;

/// <summary>
/// The environment variables the build reads, read once through Cake's <c>ICakeEnvironment</c> when the context is
/// made, and the directories they decide. Nothing else in the build reads the process environment (the tools get it
/// as it is, plus what <see cref="Tools.ToolEnvironment"/> adds). An empty variable counts as unset.
/// </summary>
public sealed record HostEnvironment
{
    /// <summary>The user's home: <c>HOME</c>, or <c>USERPROFILE</c> on Windows; null when unset.</summary>
    public string? Home { get; init; }

    /// <summary>The user's own <c>DOCKER_CONFIG</c>, which CredsFallback respects.</summary>
    public string? DockerConfig { get; init; }

    /// <summary>The <c>DOCKER_HOST</c> docker inherits (the build-input cache is kept per daemon).</summary>
    public string? DockerHost { get; init; }

    /// <summary>The <c>KUBECONFIG</c> kubectl inherits (read only to name a missing file when a context is not found).</summary>
    public string? Kubeconfig { get; init; }
    /// <summary><c>MINIKUBE_HOME</c>, which minikube keeps its profiles under (see <see cref="Minikube.ProfileConfig"/>).</summary>
    public string? MinikubeHome { get; init; }

    /// <summary><c>COINPILOT_KEEP_DOCKER_CREDS</c>, parsed with the arguments.</summary>
    public string? KeepDockerCreds { get; init; }

    public string? RegistryUsername { get; init; }

    public string? RegistryPassword { get; init; }

    /// <summary>Where the build keeps its own data: <c>XDG_DATA_HOME</c>, else <c>~/.local/share</c> (<c>LOCALAPPDATA</c> on Windows).</summary>
    public required string DataDirectory { get; init; }

    /// <summary>Where the build keeps settings: <c>XDG_CONFIG_HOME</c>, else <c>~/.config</c>.</summary>
    public required string ConfigDirectory { get; init; }

    /// <summary><c>CI</c> is set: progress is plain lines, never a spinner.</summary>
    public bool Ci { get; init; }

    /// <summary><c>NO_COLOR</c> is set: no colour codes (Watch's log prefixes included).</summary>
    public bool NoColor { get; init; }

    /// <summary>Reads the variables with <paramref name="variable"/> (Cake's <c>ICakeEnvironment.GetEnvironmentVariable</c>).</summary>
    public static HostEnvironment Read(Func<string, string?> variable, bool isWindows)
    {
        string? Value(string name) => variable(name) is { Length: > 0 } value ? value : null;

        var home = Value(isWindows ? EnvironmentVariableNames.UserProfile : EnvironmentVariableNames.Home);
        var homeOrCurrent = home ?? Environment.CurrentDirectory;
        return new HostEnvironment
        {
            Home = home,
            DockerConfig = Value(EnvironmentVariableNames.DockerConfig),
            DockerHost = Value(EnvironmentVariableNames.DockerHost),
            Kubeconfig = Value(EnvironmentVariableNames.Kubeconfig),
            MinikubeHome = Value(EnvironmentVariableNames.MinikubeHome),
            KeepDockerCreds = Value(EnvironmentVariableNames.KeepDockerCreds),
            RegistryUsername = Value(EnvironmentVariableNames.RegistryUsername),
            RegistryPassword = Value(EnvironmentVariableNames.RegistryPassword),
            DataDirectory = Value(EnvironmentVariableNames.XdgDataHome)
                ?? (isWindows ? Value(EnvironmentVariableNames.LocalAppData) : null)
                ?? Path.Combine(homeOrCurrent, ".local", "share"),
            ConfigDirectory = Value(EnvironmentVariableNames.XdgConfigHome) ?? Path.Combine(homeOrCurrent, ".config"),
            Ci = Value(EnvironmentVariableNames.Ci) is not null,
            NoColor = Value(EnvironmentVariableNames.NoColor) is not null,
        };
    }

    /// <summary>The build's own directory under <see cref="DataDirectory"/>: <c>coinpilot-redeploy</c>.</summary>
    public string BuildDataDirectory => Path.Combine(DataDirectory, "coinpilot-redeploy");
}
