using Build.Docker;
using Xunit;

namespace Build.Tests.Docker;

/// <summary>One docker image inspect answers for many references: which of them the daemon has.</summary>
public sealed class DockerImageMatchTests
{
    private static readonly string A = new('a', 64);
    private static readonly string B = new('b', 64);

    private static readonly string Inspect = $$"""
        [
          { "Id": "sha256:{{A}}", "RepoTags": ["busybox:1.35", "bot:id-aaaaaaaaaaaaaaaa"], "RepoDigests": ["registry.local:5000/bot@sha256:{{B}}"] },
          { "Id": "sha256:{{B}}", "RepoTags": [], "RepoDigests": [] }
        ]
        """;

    [Fact]
    public void Tags_digests_and_ids_are_found_and_what_is_missing_is_left_out()
    {
        var found = DockerContextExtensions.Match(
            ["busybox:1.35", "docker.io/library/bot:id-aaaaaaaaaaaaaaaa", $"registry.local:5000/bot@sha256:{B}", $"sha256:{B}", "nginx:1"],
            Inspect);

        Assert.Equal(ImageId.Parse(A), found["busybox:1.35"]);
        Assert.Equal(ImageId.Parse(A), found["docker.io/library/bot:id-aaaaaaaaaaaaaaaa"]);
        Assert.Equal(ImageId.Parse(A), found[$"registry.local:5000/bot@sha256:{B}"]);
        Assert.Equal(ImageId.Parse(B), found[$"sha256:{B}"]);
        Assert.False(found.ContainsKey("nginx:1"));
    }

    [Fact]
    public void Nothing_found_is_an_empty_answer()
    {
        Assert.Empty(DockerContextExtensions.Match(["nginx:1"], "[]"));
    }
}
