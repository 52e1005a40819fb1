using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ClusterSim.Api;
using ClusterSim.Node;
using Xunit;

namespace ClusterSim.Tests;

/// <summary>Image references, the node's docker engine and label selectors, without any external tool.</summary>
public sealed class NodeTests
{
    [Theory]
    [InlineData("app", "docker.io/library/app:latest", "app")]
    [InlineData("app:v1", "docker.io/library/app:v1", "app")]
    [InlineData("docker.io/library/app:v1", "docker.io/library/app:v1", "app")]
    [InlineData("user/app:v1", "docker.io/user/app:v1", "user/app")]
    [InlineData("localhost:5000/app", "localhost:5000/app:latest", "localhost:5000/app")]
    [InlineData("registry.k8s.io/pause:3.10", "registry.k8s.io/pause:3.10", "registry.k8s.io/pause")]
    public void References_normalise_like_docker(string text, string normalised, string familiar)
    {
        var reference = ImageReference.Parse(text).WithDefaultTag();
        Assert.Equal(normalised, reference.ToString());
        Assert.Equal(familiar, reference.FamiliarRepository);
    }

    [Theory]
    [InlineData("app", null)]
    [InlineData("registry.local:5000/team/app:1.0", null)]
    [InlineData("app@sha256:0123456789012345678901234567890123456789012345678901234567890123", null)]
    [InlineData("Bot:v1", "invalid reference format: repository name (library/Bot) must be lowercase")]
    [InlineData("coinpilot/Bot:v1", "invalid reference format: repository name (coinpilot/Bot) must be lowercase")]
    [InlineData("app:v1:extra", "invalid reference format")]
    [InlineData("registry.local/app/", "invalid reference format")]
    [InlineData("app@sha256:0123456789abcdef0123456789abcdef", "invalid checksum digest length")]
    public void Image_names_the_kubelet_cannot_parse_are_refused_with_the_reference_libraries_words(string image, string? error) =>
        Assert.Equal(error, ImageReference.ParseError(image));

    [Theory]
    [InlineData("app", "Always")]
    [InlineData("app:latest", "Always")]
    [InlineData("app:v1", "IfNotPresent")]
    [InlineData("app@sha256:0123", "IfNotPresent")]
    public void The_default_pull_policy_follows_the_tag(string image, string policy) =>
        Assert.Equal(policy, ImageReference.DefaultPullPolicy(image));

    [Fact]
    public async Task Docker_rmi_refuses_the_last_tag_of_an_image_a_container_uses()
    {
        var docker = new DockerEngine("v1.32.0");
        var loaded = await docker.LoadAsync(Archive("app:v1", "one"), null, CancellationToken.None);
        Assert.True(loaded.Bytes > 1024);
        Assert.Equal(["Loaded image: app:v1"], loaded.Loaded);
        var image = docker.Inspect("docker.io/library/app:v1")!;

        docker.CreateContainer(new ContainerRequest("pod-1", "pod", "default", "app", 0), image);
        Assert.Equal(RemoveOutcome.Conflict, docker.Remove("app:v1", out var message));
        Assert.Contains("unable to remove repository reference \"app:v1\" (must force)", message);

        await docker.LoadAsync(Archive("app:other", "one"), null, CancellationToken.None);
        Assert.Equal(RemoveOutcome.Untagged, docker.Remove("app:v1", out _));

        docker.RemoveContainers("pod-1");
        Assert.Equal(RemoveOutcome.Deleted, docker.Remove("app:other", out _));
        Assert.Null(docker.Inspect(image.Id));
        Assert.Equal(RemoveOutcome.NoSuchImage, docker.Remove("app:v1", out _));
    }

    [Fact]
    public async Task On_containerd_a_tag_in_use_can_be_removed_and_replaced()
    {
        var containerd = new DockerEngine("v1.32.0", "containerd");
        await containerd.LoadAsync(Archive("app:v1", "one"), null, CancellationToken.None);
        var first = containerd.Inspect("app:v1")!;
        containerd.CreateContainer(new ContainerRequest("pod-1", "pod", "default", "app", 0), first);

        Assert.Equal(RemoveOutcome.Deleted, containerd.Remove("app:v1", out _));
        await containerd.LoadAsync(Archive("app:v1", "two"), null, CancellationToken.None);
        Assert.NotEqual(first.Id, containerd.Inspect("app:v1")!.Id);
    }

    [Fact]
    public void A_pulled_image_is_found_by_tag_and_by_repo_digest()
    {
        var docker = new DockerEngine("v1.32.0");
        var image = new NodeImage("sha256:" + new string('c', 64), 10, new Dictionary<string, string>(), DateTimeOffset.UnixEpoch, ["127.0.0.1:5000/team/app@sha256:" + new string('d', 64)]);
        docker.AddPulled(image, "127.0.0.1:5000/team/app:1");

        Assert.Equal(image.Id, docker.Inspect("127.0.0.1:5000/team/app:1")!.Id);
        Assert.Equal(image.Id, docker.Inspect("127.0.0.1:5000/team/app@sha256:" + new string('d', 64))!.Id);
        Assert.Null(docker.Inspect("127.0.0.1:5000/team/app@sha256:" + new string('e', 64)));
    }

    [Fact]
    public void Pull_secrets_yield_credentials_from_auth_or_username_and_password()
    {
        static JsonObject Secret(string type, string key, string config) => new()
        {
            ["type"] = type,
            ["data"] = new JsonObject { [key] = Convert.ToBase64String(Encoding.UTF8.GetBytes(config)) },
        };

        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes("team:s3cret:with-colon"));
        var json = PullSecrets.Read(Secret("kubernetes.io/dockerconfigjson", ".dockerconfigjson",
            "{\"auths\":{\"127.0.0.1:5000\":{\"auth\":\"" + auth + "\"},\"http://localhost:6000/v2/\":{\"username\":\"u\",\"password\":\"p\"}}}"));
        Assert.Equal([new RegistryCredential("127.0.0.1:5000", "team", "s3cret:with-colon"), new RegistryCredential("http://localhost:6000/v2/", "u", "p")], json);
        Assert.True(PullSecrets.Matches("http://localhost:6000/v2/", "localhost:6000"));
        Assert.False(PullSecrets.Matches("127.0.0.1:5000", "127.0.0.1:5001"));
        Assert.True(PullSecrets.Matches("https://index.docker.io/v1/", "docker.io"));

        var legacy = PullSecrets.Read(Secret("kubernetes.io/dockercfg", ".dockercfg", "{\"127.0.0.1:5000\":{\"auth\":\"" + auth + "\"}}"));
        Assert.Equal("team", Assert.Single(legacy).Username);
        Assert.Empty(PullSecrets.Read(Secret("Opaque", ".dockerconfigjson", "{}")));
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(312, "312ms")]
    [InlineData(1594, "1.594s")]
    [InlineData(5000, "5s")]
    [InlineData(62500, "1m2.5s")]
    [InlineData(80000, "1m20s")]
    [InlineData(300000, "5m0s")]
    public void Pull_and_back_off_durations_print_like_go(int milliseconds, string printed) =>
        Assert.Equal(printed, Durations.GoMilliseconds(TimeSpan.FromMilliseconds(milliseconds)));

    [Theory]
    [InlineData("app=bot", true)]
    [InlineData("app==bot,tier!=db", true)]
    [InlineData("app in (bot,web),!missing", true)]
    [InlineData("tier notin (web)", false)]
    [InlineData("tier", true)]
    [InlineData("app=web", false)]
    public void Label_selectors_match_like_the_api_server(string selector, bool matches) =>
        Assert.Equal(matches, LabelSelector.Parse(selector).Matches(new Dictionary<string, string> { ["app"] = "bot", ["tier"] = "web" }));

    /// <summary>A minimal `docker save` archive (legacy layout) for one tagged image.</summary>
    private static MemoryStream Archive(string tag, string content)
    {
        var config = Encoding.UTF8.GetBytes($$$"""{"architecture":"amd64","os":"linux","config":{"Labels":{"content":"{{{content}}}"}},"rootfs":{"type":"layers","diff_ids":[]}}""");
        var configName = Convert.ToHexStringLower(SHA256.HashData(config)) + ".json";
        var manifest = Encoding.UTF8.GetBytes($$"""[{"Config":"{{configName}}","RepoTags":["{{tag}}"],"Layers":["layer/layer.tar"]}]""");
        var stream = new MemoryStream();
        using (var writer = new TarWriter(stream, leaveOpen: true))
        {
            foreach (var (name, data) in new[] { (configName, config), ("layer/layer.tar", new byte[2048]), ("manifest.json", manifest) })
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data) });
            }
        }

        stream.Position = 0;
        return stream;
    }
}
