using Build.Infrastructure;
using Build.Registry;
using Xunit;

namespace Build.Tests.Registry;

public sealed class RegistryAddressTests
{
    [Theory]
    [InlineData("registry.example.com/team", "registry.example.com", "team", "registry.example.com/team/bot", false)]
    [InlineData("127.0.0.1:5000", "127.0.0.1:5000", "", "127.0.0.1:5000/bot", true)]
    [InlineData("localhost:5000/a/b/", "localhost:5000", "a/b", "localhost:5000/a/b/bot", true)]
    [InlineData("[::1]:5000", "[::1]:5000", "", "[::1]:5000/bot", true)]
    public void Reads_host_port_and_prefix(string text, string host, string prefix, string repository, bool loopback)
    {
        var registry = RegistryAddress.Parse(text, "--registry");

        Assert.Equal(host, registry.Host);
        Assert.Equal(prefix, registry.Prefix);
        Assert.Equal(repository, registry.Repository("bot"));
        Assert.Equal(loopback, registry.IsLoopback);
    }

    [Theory]
    [InlineData("https://registry.example.com", "must not have a scheme")]
    [InlineData("team/apps", "does not start with a registry host")]
    [InlineData("registry.example.com/Team", "the path after the host must be lowercase repository components")]
    public void Anything_else_is_a_one_line_error_that_names_the_input(string text, string problem)
    {
        var error = Assert.Throws<BuildInputException>(() => RegistryAddress.Parse(text, "--registry")).Message;

        Assert.StartsWith($"--registry={text}", error);
        Assert.Contains(problem, error);
    }
}
