using Build.Docker;
using Xunit;

namespace Build.Tests.Docker;

/// <summary>.dockerignore patterns mean what they mean to docker (moby/patternmatcher).</summary>
public sealed class DockerIgnoreTests
{
    [Theory]
    [InlineData("node_modules", "node_modules", true)]
    [InlineData("node_modules", "node_modules/left-pad/index.js", true)]
    [InlineData("/node_modules", "node_modules/x", true)]
    [InlineData("*.log", "debug.log", true)]
    [InlineData("*.log", "logs/debug.log", false)]
    [InlineData("**/*.log", "logs/deep/debug.log", true)]
    [InlineData("**/*.log", "debug.log", true)]
    [InlineData("logs/**", "logs/a/b", true)]
    [InlineData("temp?", "temp1", true)]
    [InlineData("temp?", "temp12", false)]
    [InlineData("[ab].txt", "a.txt", true)]
    [InlineData("[ab].txt", "c.txt", false)]
    [InlineData("./build/../dist", "dist/app.js", true)]
    [InlineData("# a comment", "# a comment", false)]
    public void A_pattern_excludes_what_docker_excludes(string pattern, string path, bool excluded)
    {
        Assert.Equal(excluded, DockerIgnore.Parse(pattern).Excludes(path));
    }

    [Fact]
    public void An_exclamation_mark_brings_back_what_an_earlier_pattern_excluded_and_the_last_match_wins()
    {
        var ignore = DockerIgnore.Parse("*.md\n!README.md\nREADME*.md\n!docs\n");

        Assert.True(ignore.Excludes("CHANGES.md"));
        Assert.True(ignore.Excludes("README.md")); // README*.md comes after !README.md
        Assert.False(ignore.Excludes("main.go"));
        Assert.True(ignore.HasExclusions);
    }

    [Theory]
    [InlineData("*.md\n!README.md\n", "README.md", false)]
    [InlineData("*.md\n!README.md\n", "CHANGES.md", true)]
    [InlineData("docs\n!docs/keep.md\n", "docs/keep.md", false)]
    [InlineData("docs\n!docs/keep.md\n", "docs/drop.md", true)]
    [InlineData("**/*.log\n!important/*.log\n", "important/a.log", false)]
    [InlineData("**/*.log\n!important/*.log\n", "other/a.log", true)]
    public void An_exclamation_mark_re_includes_a_path_an_earlier_pattern_excluded(string patterns, string path, bool excluded)
    {
        var ignore = DockerIgnore.Parse(patterns);

        Assert.Equal(excluded, ignore.Excludes(path));
        Assert.True(ignore.HasExclusions);
    }

    [Fact]
    public void Blank_lines_comments_and_surrounding_spaces_are_ignored()
    {
        var ignore = DockerIgnore.Parse("\n   \n# secrets\n  secret.txt  \n");

        Assert.True(ignore.Excludes("secret.txt"));
        Assert.False(ignore.Excludes("# secrets"));
        Assert.False(ignore.HasExclusions);
    }
}
