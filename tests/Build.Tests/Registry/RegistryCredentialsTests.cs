using Build.Infrastructure;
using Build.Registry;
using TestSupport;
using Xunit;

namespace Build.Tests.Registry;

/// <summary>Where a run's registry login comes from, and that it is never shown.</summary>
public sealed class RegistryCredentialsTests
{
    private const string Auth = "dXNlcjpzM2NyZXQ="; // user:s3cret

    [Theory]
    [InlineData($$"""{ "auths": { "registry.example.com": { "auth": "{{Auth}}" } } }""")]
    [InlineData($$"""{ "auths": { "https://registry.example.com/v1/": { "auth": "{{Auth}}" } } }""")]
    [InlineData("""{ "auths": { "registry.example.com": { "username": "user", "password": "s3cret" } } }""")]
    public void An_inline_login_is_found_under_any_key_docker_uses_for_the_host(string config)
    {
        var credentials = RegistryCredentials.Inline(config, "registry.example.com", "inline")!;

        Assert.Equal(("user", "s3cret"), (credentials.Username, credentials.Password));
        Assert.Equal(Auth, credentials.Auth);
        Assert.DoesNotContain("s3cret", credentials.ToString());
    }

    [Theory]
    [InlineData("""{ "auths": { "registry.example.com": {} } }""")]
    [InlineData("""{ "auths": { "other.example.com": { "auth": "dXNlcjpzM2NyZXQ=" } } }""")]
    [InlineData("not json")]
    public void No_login_for_the_host_is_none(string config)
    {
        Assert.Null(RegistryCredentials.Inline(config, "registry.example.com", "inline"));
    }

    [Fact]
    public void The_environment_gives_a_login_only_with_both_variables()
    {
        Assert.Null(RegistryCredentials.FromEnvironment(HostEnvironment.Read(n => n == "COINPILOT_REGISTRY_USERNAME" ? "ci" : null, isWindows: false)));
        var both = RegistryCredentials.FromEnvironment(HostEnvironment.Read(n => n == "COINPILOT_REGISTRY_USERNAME" ? "ci" : n == "COINPILOT_REGISTRY_PASSWORD" ? "pw" : null, isWindows: false))!;
        Assert.Equal(("ci", "pw"), (both.Username, both.Password));
    }

    [Fact]
    public void A_saved_login_is_private_replaces_the_hosts_old_one_and_keeps_the_others()
    {
        using var dir = new TempDirectory("logins");
        var store = new SavedLogins(dir.Combine("coinpilot-redeploy", "registry-logins.json"));

        store.Save("a.example.com", new RegistryCredentials("one", "p1", "test"));
        store.Save("b.example.com", new RegistryCredentials("two", "p2", "test"));
        store.Save("a.example.com", new RegistryCredentials("three", "p3", "test"));

        Assert.Equal("three", store.For("a.example.com")!.Username);
        Assert.Equal("p2", store.For("b.example.com")!.Password);
        Assert.Null(store.For("c.example.com"));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.Path));
        }

        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(store.Path)!));
    }

    [Theory]
    [InlineData("/xdg", "/home/me", "/xdg/coinpilot-redeploy/registry-logins.json")]
    [InlineData(null, "/home/me", "/home/me/.config/coinpilot-redeploy/registry-logins.json")]
    public void Saved_logins_live_under_XDG_CONFIG_HOME_or_dot_config(string? xdg, string home, string expected)
    {
        Assert.Equal(expected, SavedLogins.DefaultPath(HostEnvironment.Read(n => n == "XDG_CONFIG_HOME" ? xdg : n == "HOME" ? home : null, isWindows: false)));
    }
}
