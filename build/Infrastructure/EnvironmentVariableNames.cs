namespace Build.Infrastructure;

/// <summary>
/// Environment variables the build reads (through <see cref="HostEnvironment"/>, once) or gives the tools it starts.
/// The README's environment table lists each of them.
/// </summary>
public static class EnvironmentVariableNames
{
    public const string DockerConfig = "DOCKER_CONFIG";
    public const string DockerHost = "DOCKER_HOST";
    public const string MinikubeHome = "MINIKUBE_HOME";
    public const string Home = "HOME";
    public const string Kubeconfig = "KUBECONFIG";
    public const string UserProfile = "USERPROFILE";
    public const string KeepDockerCreds = "COINPILOT_KEEP_DOCKER_CREDS";
    public const string RegistryUsername = "COINPILOT_REGISTRY_USERNAME";
    public const string RegistryPassword = "COINPILOT_REGISTRY_PASSWORD";
    public const string XdgConfigHome = "XDG_CONFIG_HOME";
    public const string XdgDataHome = "XDG_DATA_HOME";
    public const string LocalAppData = "LOCALAPPDATA";
    public const string Ci = "CI";
    public const string NoColor = "NO_COLOR";
    public const string GitHubActions = "GITHUB_ACTIONS";
    public const string GitHubStepSummary = "GITHUB_STEP_SUMMARY";
    public const string TmpDir = "TMPDIR";

    /// <summary>Azure Pipelines and TeamCity: with <see cref="GitHubActions"/>, the CI logs that render colour (Cake's own list).</summary>
    public const string AzurePipelines = "TF_BUILD";
    public const string TeamCity = "TEAMCITY_VERSION";
}
