using System.Text.Json.Nodes;
using Build.Docker;
using Build.Infrastructure;
using Xunit;

namespace Build.Tests.Docker;

/// <summary>The CredsFallback decision: given the environment and config.json, what happens and what the temporary config holds.</summary>
public sealed class DockerConfigFallbackTests
{
    private const string Home = "/home/dev";
    private const string ConfigPath = "/home/dev/.docker/config.json";

    private static FallbackDecision Decide(
        string? configText,
        string? dockerConfig = null,
        string? home = Home,
        KeepCredsSetting? keep = null,
        DockerConfigFileState state = DockerConfigFileState.Read) =>
        DockerConfigFallback.Decide(new FallbackInputs(
            dockerConfig,
            home,
            keep ?? KeepCredsSetting.Default,
            path => configText is null && state == DockerConfigFileState.Read
                ? new DockerConfigFile(path, DockerConfigFileState.Missing)
                : new DockerConfigFile(path, state, configText, state == DockerConfigFileState.Unreadable ? "Permission denied" : null)));

    private static JsonObject TemporaryConfig(FallbackDecision decision) => JsonNode.Parse(decision.ConfigJson!)!.AsObject();

    [Theory]
    [InlineData("desktop")]
    [InlineData("desktop.exe")]
    public void Applies_when_credsStore_is_Docker_Desktops_helper(string helper)
    {
        var decision = Decide($$"""{ "auths": {}, "credsStore": "{{helper}}" }""");

        Assert.True(decision.Apply);
        Assert.Contains($"credsStore \"{helper}\"", decision.Reason);
        Assert.Equal("""{"auths":{}}""", TemporaryConfig(decision).ToJsonString());
    }

    [Theory]
    [InlineData("pass")]
    [InlineData("osxkeychain")]
    [InlineData("Desktop.exe")]
    public void Skips_other_credential_stores(string store)
    {
        var decision = Decide($$"""{ "credsStore": "{{store}}" }""");

        Assert.False(decision.Apply);
        Assert.Contains($"credsStore is \"{store}\"", decision.Reason);
    }

    [Fact]
    public void Skips_a_config_without_any_credential_helper()
    {
        var decision = Decide("""{ "auths": { "ghcr.io": { "auth": "dTpw" } } }""");

        Assert.False(decision.Apply);
        Assert.Contains("no credsStore is set", decision.Reason);
    }

    [Fact]
    public void Respects_the_users_own_DOCKER_CONFIG()
    {
        var decision = Decide("""{ "credsStore": "desktop.exe" }""", dockerConfig: "/opt/my-docker");

        Assert.False(decision.Apply);
        Assert.Contains("DOCKER_CONFIG is set (/opt/my-docker)", decision.Reason);
    }

    [Fact]
    public void An_empty_DOCKER_CONFIG_counts_as_unset()
    {
        Assert.True(Decide("""{ "credsStore": "desktop.exe" }""", dockerConfig: "").Apply);
    }

    [Fact]
    public void The_opt_out_wins_and_says_which_input_asked_for_it()
    {
        var decision = Decide("""{ "credsStore": "desktop.exe" }""", keep: new KeepCredsSetting(true, "COINPILOT_KEEP_DOCKER_CREDS=yes"));

        Assert.False(decision.Apply);
        Assert.Contains("COINPILOT_KEEP_DOCKER_CREDS=yes keeps the credential helper", decision.Reason);
    }

    [Fact]
    public void Skips_when_there_is_no_config_file()
    {
        var decision = Decide(null);

        Assert.False(decision.Apply);
        Assert.Equal($"{ConfigPath} does not exist", decision.Reason);
        Assert.Empty(decision.Warnings);
    }

    [Fact]
    public void Reads_the_config_under_HOME()
    {
        string? asked = null;
        DockerConfigFallback.Decide(new FallbackInputs(null, "/users/x", KeepCredsSetting.Default, path =>
        {
            asked = path;
            return new DockerConfigFile(path, DockerConfigFileState.Missing);
        }));

        Assert.Equal("/users/x/.docker/config.json", asked);
    }

    [Fact]
    public void Without_HOME_it_skips_with_a_warning_that_says_what_to_do()
    {
        var decision = Decide("""{ "credsStore": "desktop.exe" }""", home: null);

        Assert.False(decision.Apply);
        Assert.Contains("HOME is not set", Assert.Single(decision.Warnings));
        Assert.Contains("set DOCKER_CONFIG", decision.Warnings[0]);
    }

    [Theory]
    [InlineData("not json {", "is not valid JSON")]
    [InlineData("[1, 2]", "is not a JSON object")]
    [InlineData("\"desktop.exe\"", "is not a JSON object")]
    public void Skips_with_a_warning_when_docker_would_ignore_the_whole_file(string text, string problem)
    {
        var decision = Decide(text);

        Assert.False(decision.Apply);
        Assert.Contains(problem, decision.Reason);
        Assert.Contains("docker ignores it too", Assert.Single(decision.Warnings));
    }

    [Theory]
    [InlineData(DockerConfigFileState.IsDirectory, "is a directory")]
    [InlineData(DockerConfigFileState.Unreadable, "cannot be read (Permission denied)")]
    public void Skips_with_a_warning_when_the_file_cannot_be_read(DockerConfigFileState state, string problem)
    {
        var decision = Decide("", state: state);

        Assert.False(decision.Apply);
        Assert.Contains(problem, decision.Reason);
        Assert.Single(decision.Warnings);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  \n ")]
    public void An_empty_file_has_no_helper(string text)
    {
        var decision = Decide(text);

        Assert.False(decision.Apply);
        Assert.Contains("is empty", decision.Reason);
    }

    [Fact]
    public void Keeps_inline_credentials_and_drops_the_empty_entries_docker_login_writes_for_a_store()
    {
        var decision = Decide("""
            {
              "auths": {
                "registry.example:5000": { "auth": "dXNlcjpwYXNz" },
                "ghcr.io": {},
                "https://index.docker.io/v1/": { "auth": "" },
                "quay.io": { "identitytoken": "tok" },
                "registry.internal": { "registrytoken": "rt", "email": "a@b" }
              },
              "credsStore": "desktop.exe"
            }
            """);

        var auths = TemporaryConfig(decision)["auths"]!.AsObject();
        Assert.Equal(["registry.example:5000", "quay.io", "registry.internal"], auths.Select(a => a.Key));
        Assert.Equal("dXNlcjpwYXNz", (string?)auths["registry.example:5000"]!["auth"]);
        Assert.Equal("a@b", (string?)auths["registry.internal"]!["email"]);
        Assert.Equal(["registry.example:5000", "quay.io", "registry.internal"], decision.KeptLogins);
    }

    [Fact]
    public void Keeps_every_other_setting_unchanged()
    {
        var decision = Decide("""
            {
              "credsStore": "desktop.exe",
              "currentContext": "wsl-engine",
              "proxies": { "default": { "httpProxy": "http://proxy:3128", "noProxy": "localhost" } },
              "cliPluginsExtraDirs": ["/opt/docker-plugins"],
              "psFormat": "table {{.Names}}",
              "aUnknownFutureSetting": { "x": [1, 2] }
            }
            """);

        var config = TemporaryConfig(decision);
        Assert.Equal("wsl-engine", (string?)config["currentContext"]);
        Assert.Equal("http://proxy:3128", (string?)config["proxies"]!["default"]!["httpProxy"]);
        Assert.Equal("/opt/docker-plugins", (string?)config["cliPluginsExtraDirs"]![0]);
        Assert.Equal("table {{.Names}}", (string?)config["psFormat"]);
        Assert.Equal("[1,2]", config["aUnknownFutureSetting"]!["x"]!.ToJsonString());
        Assert.Null(config["credsStore"]);
        Assert.Contains("currentContext", decision.KeptSettings);
    }

    [Fact]
    public void Applies_when_only_a_credHelpers_entry_uses_the_desktop_helper_and_keeps_the_other_helpers()
    {
        var decision = Decide("""
            { "credHelpers": { "registry.example": "desktop.exe", "gcr.io": "gcloud" }, "credsStore": "pass" }
            """);

        Assert.True(decision.Apply);
        Assert.Contains("sends registry.example to Docker Desktop's credential helper", decision.Reason);
        var config = TemporaryConfig(decision);
        Assert.Equal("""{"gcr.io":"gcloud"}""", config["credHelpers"]!.ToJsonString());
        Assert.Equal("pass", (string?)config["credsStore"]);
    }

    [Fact]
    public void Drops_credHelpers_altogether_when_only_desktop_entries_were_there()
    {
        var decision = Decide("""{ "credsStore": "desktop.exe", "credHelpers": { "a.io": "desktop" } }""");

        Assert.Null(TemporaryConfig(decision)["credHelpers"]);
    }

    [Fact]
    public void Matches_field_names_case_insensitively_as_docker_does()
    {
        var decision = Decide("""{ "CredsStore": "desktop.exe", "Auths": { "r.io": { "Auth": "dTpw" } } }""");

        Assert.True(decision.Apply);
        var config = TemporaryConfig(decision);
        Assert.Null(config["CredsStore"]);
        Assert.Equal(["r.io"], decision.KeptLogins);
    }

    [Fact]
    public void A_field_of_the_wrong_type_is_ignored_on_its_own_as_docker_does_and_the_helper_still_counts()
    {
        // docker warns "cannot unmarshal array into ... auths" and still calls docker-credential-desktop.exe.
        var decision = Decide("""{ "auths": [], "proxies": 5, "credsStore": "desktop.exe", "currentContext": "x" }""");

        Assert.True(decision.Apply);
        Assert.Equal(2, decision.Warnings.Count);
        Assert.Contains(decision.Warnings, w => w.Contains("\"auths\" should be an object"));
        Assert.Contains(decision.Warnings, w => w.Contains("\"proxies\" should be an object"));
        var config = TemporaryConfig(decision);
        Assert.Null(config["proxies"]);
        Assert.Equal("{}", config["auths"]!.ToJsonString());
        Assert.Equal("x", (string?)config["currentContext"]);
    }

    [Fact]
    public void A_credsStore_of_the_wrong_type_means_no_store()
    {
        var decision = Decide("""{ "credsStore": 5 }""");

        Assert.False(decision.Apply);
        Assert.Contains("\"credsStore\" should be a string", Assert.Single(decision.Warnings));
    }

    [Fact]
    public void A_map_entry_of_the_wrong_type_is_dropped_but_the_rest_of_the_map_counts()
    {
        var decision = Decide("""{ "credHelpers": { "a.io": 5, "b.io": "desktop.exe", "c.io": "ecr-login" } }""");

        Assert.True(decision.Apply);
        Assert.Contains("\"credHelpers.a.io\" should be a string", Assert.Single(decision.Warnings));
        Assert.Equal("""{"c.io":"ecr-login"}""", TemporaryConfig(decision)["credHelpers"]!.ToJsonString());
    }

    [Fact]
    public void The_decision_never_contains_a_credential_value_outside_the_config_text()
    {
        var decision = Decide("""{ "auths": { "r.io": { "auth": "U0VDUkVULVZBTFVF" } }, "credsStore": "desktop.exe" }""");

        var everythingButTheConfig = string.Join("\n", [decision.Reason, .. decision.Warnings, .. decision.KeptLogins, .. decision.KeptSettings]);
        Assert.DoesNotContain("U0VDUkVULVZBTFVF", everythingButTheConfig);
        Assert.Contains("U0VDUkVULVZBTFVF", decision.ConfigJson);
    }

    [Fact]
    public void A_login_config_drops_every_credential_store_and_keeps_inline_logins_and_settings()
    {
        var json = DockerConfigFallback.WithoutCredentialStores("""
            { "credsStore": "osxkeychain", "credHelpers": { "gcr.io": "gcloud" }, "currentContext": "colima",
              "auths": { "registry.example.com": { "auth": "dXNlcjpw" }, "placeholder.example.com": {} } }
            """);

        var config = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        Assert.Equal(["currentContext", "auths"], config.Select(p => p.Key));
        Assert.Equal(["registry.example.com"], config["auths"]!.AsObject().Select(p => p.Key));
    }

    [Theory]
    [InlineData("""{ "credsStore": "pass" }""", true)]
    [InlineData("""{ "credHelpers": { "registry.example.com": "ecr-login" } }""", true)]
    [InlineData("""{ "credHelpers": { "other.example.com": "ecr-login" } }""", false)]
    [InlineData("""{ "auths": {} }""", false)]
    [InlineData(null, false)]
    public void A_credential_store_that_could_hold_the_registrys_login_is_recognised(string? config, bool has)
    {
        Assert.Equal(has, DockerConfigFallback.HasCredentialStoreFor(config, "registry.example.com"));
    }
}
