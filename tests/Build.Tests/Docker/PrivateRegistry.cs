using System.Net;
using System.Text;
using TestSupport;
using Xunit;

namespace Build.Tests.Docker;

/// <summary>
/// A real private registry (Debian's docker-registry, distribution 2.8) on 127.0.0.1 with htpasswd auth, holding
/// one base image that can only be pulled with credentials. Requires the docker daemon, docker-registry and htpasswd.
/// </summary>
public sealed class PrivateRegistry : IAsyncLifetime
{
    private readonly TempDirectory _directory = new("registry");
    private System.Diagnostics.Process? _server;

    public string User { get; } = "coinpilot";

    public string Password { get; } = "pw-" + Guid.NewGuid().ToString("N")[..12];

    public string Host { get; private set; } = "";

    /// <summary>The base image in the registry; pulling it needs <see cref="User"/>'s credentials.</summary>
    public string BaseImage => $"{Host}/coinpilot-test/base:1";

    /// <summary>The value of an inline <c>auth</c> entry in config.json for this registry.</summary>
    public string InlineAuth => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{Password}"));

    public string? Problem { get; private set; }

    public async Task InitializeAsync()
    {
        Problem = !DockerDaemon.IsAvailable ? "no Docker daemon answers (run scripts/start-test-docker.sh)"
            : Requirements.FindOnPath("docker-registry") is null ? "docker-registry is not installed (apt-get install docker-registry)"
            : Requirements.FindOnPath("htpasswd") is null ? "htpasswd is not installed (apt-get install apache2-utils)"
            : null;
        if (Problem is not null)
        {
            return;
        }

        var htpasswd = await ProcessRunner.RunAsync("htpasswd", ["-Bbn", User, Password]);
        _directory.WriteFile("htpasswd", htpasswd.StandardOutput);
        var port = Network.FreePort();
        Host = $"127.0.0.1:{port}";
        _directory.WriteFile("config.yml", $"""
            version: 0.1
            log:
              level: info
            storage:
              filesystem:
                rootdirectory: {_directory.Combine("data")}
            http:
              addr: {Host}
            auth:
              htpasswd:
                realm: coinpilot-tests
                path: {_directory.Combine("htpasswd")}
            """);
        _server = System.Diagnostics.Process.Start(ProcessRunner.CreateStartInfo("docker-registry", ["serve", _directory.Combine("config.yml")]))!;
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();

        using var http = new HttpClient();
        await Network.WaitUntilAsync(
            async () =>
            {
                try
                {
                    return (await http.GetAsync($"http://{Host}/v2/")).StatusCode == HttpStatusCode.Unauthorized;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            TimeSpan.FromSeconds(20),
            "the registry to answer");

        await PushBaseImageAsync();
    }

    public Task DisposeAsync()
    {
        if (_server is { HasExited: false })
        {
            _server.Kill();
        }

        _server?.Dispose();
        _directory.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Skips (fails in CI) when the registry could not run here.</summary>
    public void Require() => Requirements.Require(Problem is null, Problem ?? "");

    /// <summary>Makes the daemon forget the base image, so the next build has to pull it (with credentials).</summary>
    public Task ForgetBaseImageAsync() => Docker("rmi", "-f", BaseImage);

    private async Task PushBaseImageAsync()
    {
        var admin = _directory.Combine("admin-docker-config");
        Directory.CreateDirectory(admin);
        var env = new Dictionary<string, string?> { ["DOCKER_CONFIG"] = admin };
        await Check(ProcessRunner.RunAsync("docker", ["login", Host, "-u", User, "--password-stdin"], env, standardInput: Password));

        var context = _directory.Combine("base");
        _directory.WriteFile("base/base.txt", "the private base image\n");
        _directory.WriteFile("base/Dockerfile", "FROM scratch\nCOPY base.txt /base.txt\n");
        await Check(ProcessRunner.RunAsync("docker", ["build", "-t", BaseImage, context], env));
        await Check(ProcessRunner.RunAsync("docker", ["push", BaseImage], env));
        await ForgetBaseImageAsync();
    }

    private static async Task Docker(params string[] arguments) => await ProcessRunner.RunAsync("docker", arguments);

    private static async Task Check(Task<ProcessResult> run)
    {
        var result = await run;
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"Registry setup failed: {result}");
        }
    }
}
