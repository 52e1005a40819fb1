using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Xunit;

namespace TestSupport;

/// <summary>
/// A real private registry (Debian's docker-registry, distribution 2.8) on 127.0.0.1 with htpasswd auth: every
/// request needs <see cref="User"/>'s <see cref="Password"/>. Docker treats a registry on loopback as insecure, so
/// it is plain HTTP. As a class fixture (the parameterless constructor) it holds one base image pushed at start,
/// which needs the Docker daemon; <see cref="StartEmptyAsync"/> starts one without it (docker-registry and htpasswd
/// suffice). <see cref="DockerConfig"/> is a DOCKER_CONFIG directory already logged in, for pushing.
/// </summary>
public sealed class PrivateRegistry : IAsyncLifetime, IAsyncDisposable
{
    private readonly TempDirectory _directory = new("registry");
    private readonly bool _seedBaseImage;
    private System.Diagnostics.Process? _server;

    /// <summary>A registry holding <see cref="BaseImage"/> (what xunit uses for a class fixture).</summary>
    public PrivateRegistry()
        : this(seedBaseImage: true)
    {
    }

    private readonly bool _allowDeletes;

    private PrivateRegistry(bool seedBaseImage, bool allowDeletes = false) => (_seedBaseImage, _allowDeletes) = (seedBaseImage, allowDeletes);

    public string User { get; } = "coinpilot";

    public string Password { get; } = "pw-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>127.0.0.1:PORT, the registry's address as image references and docker config keys name it.</summary>
    public string Host { get; private set; } = "";

    /// <summary>The base image in the registry; pulling it needs <see cref="User"/>'s credentials.</summary>
    public string BaseImage => $"{Host}/coinpilot-test/base:1";

    /// <summary>The value of an inline <c>auth</c> entry in config.json for this registry.</summary>
    public string InlineAuth => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{Password}"));

    /// <summary>A DOCKER_CONFIG directory whose config.json holds this registry's login (after start).</summary>
    public string DockerConfig => _directory.Combine("admin-docker-config");

    public string? Problem { get; private set; }

    /// <summary>Starts a registry with no images. Check <see cref="Require"/> before using it.</summary>
    /// <param name="allowDeletes">distribution's <c>storage.delete.enabled</c> (REGISTRY_STORAGE_DELETE_ENABLED): off by default, as in distribution.</param>
    public static async Task<PrivateRegistry> StartEmptyAsync(bool allowDeletes = false)
    {
        var registry = new PrivateRegistry(seedBaseImage: false, allowDeletes);
        await registry.InitializeAsync();
        return registry;
    }

    public async Task InitializeAsync()
    {
        Problem = _seedBaseImage && !DockerDaemon.IsAvailable ? "no Docker daemon answers (run scripts/start-test-docker.sh)"
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
              delete:
                enabled: {(_allowDeletes ? "true" : "false")}
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

        // The login is written into the file by hand: `docker login` needs a daemon, and the file is what it would write.
        Directory.CreateDirectory(DockerConfig);
        var login = new System.Text.Json.Nodes.JsonObject
        {
            ["auths"] = new System.Text.Json.Nodes.JsonObject { [Host] = new System.Text.Json.Nodes.JsonObject { ["auth"] = InlineAuth } },
        };
        await File.WriteAllTextAsync(Path.Combine(DockerConfig, "config.json"), login.ToJsonString());
        if (_seedBaseImage)
        {
            await PushBaseImageAsync();
        }
    }

    /// <summary>The repository's tags (<c>GET /v2/REPO/tags/list</c>); empty when it has none.</summary>
    public async Task<IReadOnlyList<string>> TagsAsync(string repository)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{Host}/v2/{repository}/tags/list");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", InlineAuth);
        using var response = await http.SendAsync(request);
        var body = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync());
        return body?["tags"]?.AsArray().Select(t => (string?)t).OfType<string>().ToList() ?? [];
    }

    public Task DisposeAsync()
    {
        if (_server is { HasExited: false })
        {
            _server.Kill();
            _server.WaitForExit(5000);
        }

        _server?.Dispose();
        _directory.Dispose();
        return Task.CompletedTask;
    }

    ValueTask IAsyncDisposable.DisposeAsync() => new(DisposeAsync());

    /// <summary>Skips (fails in CI) when the registry could not run here.</summary>
    public void Require() => Requirements.Require(Problem is null, Problem ?? "");

    /// <summary>Makes the daemon forget the base image, so the next build has to pull it (with credentials).</summary>
    public Task ForgetBaseImageAsync() => Docker("rmi", "-f", BaseImage);

    /// <summary>
    /// The registry's Docker-Content-Digest for a manifest (GET with the Accept headers docker sends and the
    /// credentials), or null when the registry does not know it.
    /// </summary>
    public async Task<string?> ManifestDigestAsync(string repository, string reference)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{Host}/v2/{repository}/manifests/{reference}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", InlineAuth);
        foreach (var type in new[]
        {
            "application/vnd.docker.distribution.manifest.v2+json", "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.oci.image.manifest.v1+json", "application/vnd.oci.image.index.v1+json",
        })
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
        }

        using var response = await http.SendAsync(request);
        return response.IsSuccessStatusCode && response.Headers.TryGetValues("Docker-Content-Digest", out var digest) ? digest.First() : null;
    }

    private async Task PushBaseImageAsync()
    {
        var env = new Dictionary<string, string?> { ["DOCKER_CONFIG"] = DockerConfig };
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
