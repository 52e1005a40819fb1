using TestSupport;

namespace Build.Tests.Docker;

/// <summary>
/// A user's world as on WSL with Docker Desktop: a HOME whose ~/.docker/config.json says
/// <c>"credsStore": "desktop.exe"</c>, a broken <c>docker-credential-desktop.exe</c> on PATH that records every
/// call, a services file with one service, and a private TMPDIR in which leftovers can be seen.
/// </summary>
public sealed class DesktopHelperWorkspace : IDisposable
{
    private readonly TempDirectory _root = new("wsl");

    public DesktopHelperWorkspace(string dockerfile, string? configJson = null)
    {
        Image = "coinpilot-e2e-" + Guid.NewGuid().ToString("N")[..10];
        _root.WriteFile("home/.docker/config.json", configJson ?? """{ "auths": {}, "credsStore": "desktop.exe" }""");
        _root.WriteExecutable("bin/docker-credential-desktop.exe", $"""
            #!/bin/sh
            # Docker Desktop's helper, broken as on WSL. Records every call, then fails.
            echo "$* DOCKER_CONFIG=$DOCKER_CONFIG" >> "{HelperLog}"
            cat > /dev/null
            echo "error getting credentials - err: exec: \"docker-credential-desktop.exe\": executable file not found in \$PATH" >&2
            exit 1
            """);
        Directory.CreateDirectory(TempRoot);
        _root.WriteFile("project/app/Dockerfile", dockerfile);
        _root.WriteFile("project/app/app.txt", $"content {Guid.NewGuid()}\n");
        _root.WriteFile("project/redeploy.json", $$"""
            {
              "namespace": "coin-pilot-ns",
              "imageDelivery": "load",
              "services": [ { "name": "app", "image": "{{Image}}", "context": "app" } ]
            }
            """);
    }

    public string Home => _root.Combine("home");

    public string UserDocker => _root.Combine("home", ".docker");

    public string HelperLog => _root.Combine("helper.log");

    public string TempRoot => _root.Combine("tmp");

    public string ConfigFile => _root.Combine("project", "redeploy.json");

    public string Image { get; }

    /// <summary>Every call the broken helper got.</summary>
    public IReadOnlyList<string> HelperCalls => File.Exists(HelperLog) ? File.ReadAllLines(HelperLog) : [];

    /// <summary>Temporary docker config directories present now.</summary>
    public IReadOnlyList<string> TemporaryConfigs => Directory.GetDirectories(TempRoot, "coinpilot-docker-config.*");

    /// <summary>The environment the build runs with: this HOME, the helper first on PATH, this TMPDIR, no DOCKER_CONFIG.</summary>
    public Dictionary<string, string?> Environment(params (string Name, string? Value)[] extra)
    {
        var environment = new Dictionary<string, string?>
        {
            ["HOME"] = Home,
            ["PATH"] = _root.Combine("bin") + Path.PathSeparator + System.Environment.GetEnvironmentVariable("PATH"),
            ["TMPDIR"] = TempRoot,
            ["DOCKER_CONFIG"] = null,
            ["COINPILOT_KEEP_DOCKER_CREDS"] = null,
            ["DOTNET_CLI_HOME"] = System.Environment.GetEnvironmentVariable("HOME"),
        };
        foreach (var (name, value) in extra)
        {
            environment[name] = value;
        }

        return environment;
    }

    public string[] Arguments(params string[] extra) => ["--target=DockerBuild", $"--config={ConfigFile}", .. extra];

    public void Dispose()
    {
        DockerImages.RemoveRepositoryAsync(Image).GetAwaiter().GetResult();
        _root.Dispose();
    }
}
