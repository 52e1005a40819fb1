using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
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
        var (images, bytes) = await ImageArchive.ReadAsync(Archive("app:v1", "one"), CancellationToken.None);
        Assert.True(bytes > 1024);
        docker.Load(images, new Dictionary<string, long>());
        var id = docker.Inspect("docker.io/library/app:v1")!.Id;
        Assert.Equal(images[0].Id, id);

        docker.CreateContainer("pod-1", id);
        Assert.Equal(RemoveOutcome.Conflict, docker.Remove("app:v1", out var message));
        Assert.Contains("unable to remove repository reference \"app:v1\" (must force)", message);

        docker.Load((await ImageArchive.ReadAsync(Archive("app:other", "one"), CancellationToken.None)).Images, new Dictionary<string, long>());
        Assert.Equal(RemoveOutcome.Untagged, docker.Remove("app:v1", out _));

        docker.RemoveContainers("pod-1");
        Assert.Equal(RemoveOutcome.Deleted, docker.Remove("app:other", out _));
        Assert.Null(docker.Inspect(id));
        Assert.Equal(RemoveOutcome.NoSuchImage, docker.Remove("app:v1", out _));
    }

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
