using Build.Infrastructure;
using Build.Tools;

namespace Build.Docker;

/// <summary>
/// The one owner of the docker configuration of a run. CredsFallback creates it: it knows the config directory
/// docker reads in this run (CredsFallback's temporary one, the user's own <c>DOCKER_CONFIG</c>, or
/// <c>~/.docker</c>) and hands out the writable temporary configs others need (a registry login from the
/// environment or a saved one; the throwaway config RegistryLogin checks a password with). Teardown removes every
/// one of them. The user's own configuration is never written.
/// </summary>
public sealed class DockerConfigSession
{
    private readonly Lock _lock = new();
    private readonly List<TemporaryDockerConfig> _temporary = [];
    private readonly string _tempRoot;
    private TemporaryDockerConfig? _writable;

    private DockerConfigSession(string? userDirectory, TemporaryDockerConfig? fallback, string tempRoot)
    {
        UserDirectory = userDirectory;
        Fallback = fallback;
        _tempRoot = tempRoot;
        if (fallback is not null)
        {
            _temporary.Add(fallback);
            _writable = fallback;
        }
    }

    /// <summary>The user's docker config directory: their <c>DOCKER_CONFIG</c>, else <c>$HOME/.docker</c>; null without either.</summary>
    public string? UserDirectory { get; }

    /// <summary>CredsFallback's temporary config, when the fallback applies.</summary>
    public TemporaryDockerConfig? Fallback { get; }

    /// <summary>The directory docker reads its config from in this run.</summary>
    public string? Directory => Fallback?.Path ?? UserDirectory;

    /// <summary>The temporary configs made so far (for Teardown and its messages).</summary>
    public IReadOnlyList<TemporaryDockerConfig> Temporary
    {
        get { lock (_lock) return [.. _temporary]; }
    }

    /// <summary>
    /// Starts the session: with the fallback's temporary config (made from <paramref name="fallbackConfigJson"/>) when
    /// it applies, else on the user's own config.
    /// </summary>
    public static DockerConfigSession Start(HostEnvironment host, string? fallbackConfigJson, string tempRoot, Action<string> warn)
    {
        var userDirectory = UserDirectoryOf(host);
        var fallback = fallbackConfigJson is null ? null : TemporaryDockerConfig.Create(fallbackConfigJson, userDirectory, tempRoot, warn);
        return new DockerConfigSession(userDirectory, fallback, tempRoot);
    }

    /// <summary>The user's docker config directory, as docker finds it: <c>DOCKER_CONFIG</c>, else <c>$HOME/.docker</c>.</summary>
    public static string? UserDirectoryOf(HostEnvironment host) =>
        host.DockerConfig ?? (host.Home is { } home ? DockerConfigFallback.UserDockerDirectory(home) : null);

    /// <summary>What docker, minikube and kubectl get on top of the build's environment: the temporary DOCKER_CONFIG, if any.</summary>
    public ToolEnvironment ToolEnvironment =>
        Fallback is null ? ToolEnvironment.Inherited : ToolEnvironment.Inherited.With(EnvironmentVariableNames.DockerConfig, Fallback.Path);

    /// <summary>The text of the config.json docker reads in this run, or null when there is none (or it cannot be read).</summary>
    public string? ReadConfig()
    {
        if (Directory is not { } directory)
        {
            return null;
        }

        var file = DockerConfigFile.Read(Path.Combine(directory, "config.json"));
        return file.State == DockerConfigFileState.Read ? file.Text : null;
    }

    /// <summary>
    /// A config a registry login may be written to, for docker only: CredsFallback's, or (once per run) a temporary copy
    /// of the user's settings without their credential stores, so that a login never lands in a keychain or in the
    /// user's files.
    /// </summary>
    public TemporaryDockerConfig Writable(Action<string> warn)
    {
        lock (_lock)
        {
            if (_writable is null)
            {
                _writable = TemporaryDockerConfig.Create(DockerConfigFallback.WithoutCredentialStores(ReadConfig()), UserDirectory, _tempRoot, warn);
                _temporary.Add(_writable);
            }

            return _writable;
        }
    }

    /// <summary>An empty config with no links and no logins, for a check that must leave nothing behind (removed with the rest).</summary>
    public TemporaryDockerConfig Scratch()
    {
        var scratch = TemporaryDockerConfig.Create("{\"auths\":{}}", userDockerDirectory: null, _tempRoot);
        lock (_lock)
        {
            _temporary.Add(scratch);
        }

        return scratch;
    }

    /// <summary>Removes every temporary config of the run; returns the ones that could not be removed, with why.</summary>
    public IReadOnlyList<(string Path, string Problem)> RemoveAll()
    {
        var problems = new List<(string, string)>();
        foreach (var temporary in Temporary)
        {
            try
            {
                temporary.Dispose();
                lock (_lock)
                {
                    _temporary.Remove(temporary);
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                problems.Add((temporary.Path, exception.Message));
            }
        }

        return problems;
    }
}
