namespace Build.Infrastructure;

/// <summary>Environment variables the build reads or sets.</summary>
public static class EnvironmentVariableNames
{
    public const string DockerConfig = "DOCKER_CONFIG";
    public const string Home = "HOME";
    public const string UserProfile = "USERPROFILE";
    public const string KeepDockerCreds = "COINPILOT_KEEP_DOCKER_CREDS";
    public const string RegistryUsername = "COINPILOT_REGISTRY_USERNAME";
    public const string RegistryPassword = "COINPILOT_REGISTRY_PASSWORD";
    public const string XdgConfigHome = "XDG_CONFIG_HOME";
    public const string GitHubActions = "GITHUB_ACTIONS";
    public const string GitHubStepSummary = "GITHUB_STEP_SUMMARY";
}
