using Build.Docker;
using Build.Minikube;
using Xunit;

namespace Build.Tests.Minikube;

public sealed class ImageReferenceTests
{
    private static readonly string A = new('a', 64);
    private static readonly string B = new('b', 64);

    [Theory]
    [InlineData("bot", "docker.io/library/bot:latest")]
    [InlineData("bot:id-1234", "docker.io/library/bot:id-1234")]
    [InlineData("docker.io/library/bot:1", "docker.io/library/bot:1")]
    [InlineData("team/bot:1", "docker.io/team/bot:1")]
    [InlineData("index.docker.io/team/bot:1", "docker.io/team/bot:1")]
    [InlineData("localhost/bot:1", "localhost/bot:1")]
    [InlineData("127.0.0.1:5000/team/bot", "127.0.0.1:5000/team/bot:latest")]
    [InlineData("registry.k8s.io/pause:3.10", "registry.k8s.io/pause:3.10")]
    [InlineData("bot@sha256:abc", "docker.io/library/bot@sha256:abc")]
    public void Normalizes_references_as_docker_does(string reference, string expected)
    {
        Assert.Equal(expected, ImageReference.Normalize(reference));
    }

    [Fact]
    public void Node_images_match_a_tag_only_with_the_exact_id()
    {
        var node = new NodeImages(NodeImage.ParseList($$"""
            [
              { "id": "{{A}}", "repoDigests": [], "repoTags": ["docker.io/library/coinpilot-bot:id-aaa111"], "size": "1000" },
              { "id": "{{B}}", "repoDigests": [], "repoTags": ["docker.io/library/coinpilot-bot:latest"], "size": "1000" }
            ]
            """));

        Assert.True(node.Has("coinpilot-bot:id-aaa111", ImageId.Parse(A)));
        Assert.False(node.Has("coinpilot-bot:latest", ImageId.Parse(A)));
        Assert.Equal(ImageId.Parse(B), node.IdOf("coinpilot-bot"));
        Assert.Null(node.IdOf("coinpilot-dashboard:latest"));
    }

    [Fact]
    public void Output_that_is_not_the_json_list_is_a_clear_error()
    {
        var error = Assert.Throws<FormatException>(() => NodeImage.ParseList("E1126 something went wrong"));

        Assert.StartsWith("minikube image ls printed something that is not its JSON list", error.Message);
    }
}
