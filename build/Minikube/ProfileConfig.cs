using System.Text.Json;

namespace Build.Minikube;

/// <summary>What reading a profile's <c>config.json</c> gave: its settings, or why there are none.</summary>
public enum ProfileConfigState
{
    /// <summary>Read: <see cref="ProfileConfig.Info"/> holds the driver, runtime and nodes.</summary>
    Read,

    /// <summary>No <c>config.json</c> there: minikube has no such profile (it was never started, or was deleted).</summary>
    Missing,

    /// <summary>The file is there but cannot be read or is not a ClusterConfig.</summary>
    Unreadable,
}

/// <summary>
/// A profile's settings from the file minikube keeps them in, <c>$MINIKUBE_HOME/profiles/PROFILE/config.json</c> (the
/// <c>ClusterConfig</c> of pkg/minikube/config/types.go: <c>Driver</c>, <c>KubernetesConfig.ContainerRuntime</c>,
/// <c>Nodes</c>). <c>minikube profile list</c> prints the same object under <c>Config</c>, after checking every
/// profile's status (about 0.5 s, up to seconds with several profiles, minikube#9970); reading the file costs nothing.
/// </summary>
public sealed record ProfileConfig(ProfileConfigState State, string Path, ProfileInfo? Info, string? Problem)
{
    /// <summary>
    /// minikube's state directory as v1.38 finds it (pkg/minikube/localpath <c>MiniPath</c>): <c>MINIKUBE_HOME</c> itself
    /// when it is named <c>.minikube</c> or holds no <c>.minikube</c>, else <c>MINIKUBE_HOME/.minikube</c>;
    /// <c>~/.minikube</c> without the variable; null when there is no home either.
    /// </summary>
    public static string? Directory(string? minikubeHome, string? home, Func<string, bool> directoryExists)
    {
        if (minikubeHome is null)
        {
            return home is null ? null : System.IO.Path.Combine(home, ".minikube");
        }

        var legacy = System.IO.Path.Combine(minikubeHome, ".minikube");
        return System.IO.Path.GetFileName(System.IO.Path.TrimEndingDirectorySeparator(minikubeHome)) != ".minikube" && directoryExists(legacy)
            ? legacy
            : minikubeHome;
    }

    /// <summary>Reads the profile's config.json under <paramref name="minikubeDirectory"/>.</summary>
    public static ProfileConfig Read(string? minikubeDirectory, string profile)
    {
        var path = System.IO.Path.Combine(minikubeDirectory ?? "~/.minikube", "profiles", profile, "config.json");
        if (minikubeDirectory is null || !File.Exists(path))
        {
            return new ProfileConfig(ProfileConfigState.Missing, path, null, null);
        }

        try
        {
            return Parse(File.ReadAllText(path), path, profile);
        }
        catch (Exception failure) when (failure is IOException or UnauthorizedAccessException)
        {
            return new ProfileConfig(ProfileConfigState.Unreadable, path, null, failure.Message);
        }
    }

    /// <summary>The settings in a config.json's text (pure: tests call it with recorded files).</summary>
    public static ProfileConfig Parse(string json, string path, string profile)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? new ProfileConfig(ProfileConfigState.Read, path, ProfileInfo.FromClusterConfig(document.RootElement, profile), null)
                : new ProfileConfig(ProfileConfigState.Unreadable, path, null, "it is not a JSON object");
        }
        catch (JsonException exception)
        {
            return new ProfileConfig(ProfileConfigState.Unreadable, path, null, $"it is not JSON ({exception.Message})");
        }
    }
}
