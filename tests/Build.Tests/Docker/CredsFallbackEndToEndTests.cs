using Build.Tests.Infrastructure;
using TestSupport;
using Xunit;

namespace Build.Tests.Docker;

/// <summary>
/// CredsFallback for real: the build runs as a child process against the real Docker daemon and a real private
/// registry, with a broken Docker Desktop credential helper on PATH that records whether anything called it.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class CredsFallbackEndToEndTests(PrivateRegistry registry) : IClassFixture<PrivateRegistry>
{
    private DesktopHelperWorkspace WorkspaceFromPrivateBase(string? extraConfig = null) =>
        new($"FROM {registry.BaseImage}\nCOPY app.txt /app.txt\n", $$"""
            {
              "auths": { "{{registry.Host}}": { "auth": "{{registry.InlineAuth}}" } },
              "credsStore": "desktop.exe"{{extraConfig}}
            }
            """);

    [SkippableFact]
    public async Task With_the_fallback_the_build_pulls_the_private_base_with_inline_credentials_and_never_calls_the_helper()
    {
        registry.Require();
        using var workspace = WorkspaceFromPrivateBase();
        await registry.ForgetBaseImageAsync();
        var before = FileTree.Snapshot(workspace.UserDocker);

        var run = await BuildProcess.RunAsync(workspace.Arguments(), workspace.Environment());

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("CredsFallback: applied:", run.StandardOutput);
        Assert.Contains($"inline logins for {registry.Host}", run.StandardOutput);
        Assert.Contains("Opt out with --keep-docker-creds=1", run.StandardOutput);
        Assert.Empty(workspace.HelperCalls);
        Assert.Empty(workspace.TemporaryConfigs);
        Assert.Equal(before, FileTree.Snapshot(workspace.UserDocker));
        Assert.DoesNotContain(registry.InlineAuth, run.Output);
        Assert.DoesNotContain(registry.Password, run.Output);
    }

    [SkippableTheory]
    [InlineData("--keep-docker-creds=1", null)]
    [InlineData("--keep-docker-creds=yes", null)]
    [InlineData(null, "1")]
    [InlineData(null, "TRUE")]
    public async Task When_the_user_opts_out_docker_calls_the_broken_helper_as_before(string? argument, string? variable)
    {
        registry.Require();
        using var workspace = WorkspaceFromPrivateBase();
        await registry.ForgetBaseImageAsync();

        var run = await BuildProcess.RunAsync(
            workspace.Arguments(argument is null ? [] : [argument]),
            workspace.Environment(("COINPILOT_KEEP_DOCKER_CREDS", variable)));

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("CredsFallback: skipped:", run.StandardOutput);
        Assert.Contains("keeps the credential helper", run.StandardOutput);
        Assert.NotEmpty(workspace.HelperCalls);
        Assert.Contains("docker build of app", run.Output);
        Assert.Contains("no basic auth credentials", run.Output);
        Assert.Empty(workspace.TemporaryConfigs);
    }

    [SkippableFact]
    public async Task A_users_own_DOCKER_CONFIG_is_respected()
    {
        registry.Require();
        // ~/.docker names the broken helper and holds no login; the user's own DOCKER_CONFIG holds the only login for
        // the private base image. The build passes only if docker read the user's DOCKER_CONFIG.
        using var workspace = new DesktopHelperWorkspace($"FROM {registry.BaseImage}\nCOPY app.txt /app.txt\n");
        using var own = new TempDirectory("own-docker-config");
        own.WriteFile("config.json", $$"""{ "auths": { "{{registry.Host}}": { "auth": "{{registry.InlineAuth}}" } } }""");
        await registry.ForgetBaseImageAsync();

        var run = await BuildProcess.RunAsync(workspace.Arguments(), workspace.Environment(("DOCKER_CONFIG", own.Path)));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"DOCKER_CONFIG is set ({own.Path})", run.StandardOutput);
        Assert.Empty(workspace.HelperCalls);
        Assert.Empty(workspace.TemporaryConfigs);
    }

    [SkippableFact]
    public async Task A_users_own_DOCKER_CONFIG_that_names_the_helper_is_used_as_is_and_the_helper_sees_it()
    {
        registry.Require();
        using var workspace = WorkspaceFromPrivateBase();
        await registry.ForgetBaseImageAsync();

        var run = await BuildProcess.RunAsync(workspace.Arguments(), workspace.Environment(("DOCKER_CONFIG", workspace.UserDocker)));

        // No fallback: docker calls the helper the user's config names, with the user's DOCKER_CONFIG, and fails as before.
        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"CredsFallback: skipped: DOCKER_CONFIG is set ({workspace.UserDocker})", run.StandardOutput);
        Assert.NotEmpty(workspace.HelperCalls);
        Assert.All(workspace.HelperCalls, call => Assert.EndsWith($" DOCKER_CONFIG={workspace.UserDocker}", call));
        Assert.Empty(workspace.TemporaryConfigs);
    }

    [SkippableFact]
    public async Task A_failing_build_still_removes_the_temporary_directory()
    {
        DockerDaemon.Require();
        using var workspace = new DesktopHelperWorkspace("FROM scratch\nCOPY no-such-file /x\n");
        var before = FileTree.Snapshot(workspace.UserDocker);

        var run = await BuildProcess.RunAsync(workspace.Arguments(), workspace.Environment());

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("CredsFallback: applied:", run.StandardOutput);
        Assert.Matches(@"DockerBuild\s+\S+\s+Failed", run.StandardOutput);
        Assert.Contains("docker build of app", run.Output);
        Assert.DoesNotContain("   at ", run.Output);
        Assert.Empty(workspace.TemporaryConfigs);
        Assert.Equal(before, FileTree.Snapshot(workspace.UserDocker));
    }

    [SkippableTheory]
    [InlineData(Signals.SIGINT, 130, false)]
    [InlineData(Signals.SIGTERM, 143, false)]
    [InlineData(Signals.SIGINT, 130, true)]
    [InlineData(Signals.SIGTERM, 143, true)]
    public async Task A_signal_in_the_middle_of_a_build_stops_it_and_removes_the_temporary_directory(int signal, int exitCode, bool viaBuildScript)
    {
        DockerDaemon.Require();
        Requirements.Require(await HasImageAsync("busybox:1.35"), "busybox:1.35 is not in the daemon (scripts/seed-base-image.sh)");
        using var workspace = new DesktopHelperWorkspace("FROM busybox:1.35\nCOPY app.txt /app.txt\nRUN echo slow-step-started && sleep 120\n");
        var before = FileTree.Snapshot(workspace.UserDocker);

        using var build = BuildProcess.Start(workspace.Arguments("--verbosity=verbose"), workspace.Environment(), viaBuildScript);
        await build.WaitForOutputAsync("slow-step-started", TimeSpan.FromSeconds(90));
        Assert.Single(workspace.TemporaryConfigs);
        Signals.Send(build.ProcessId, signal);
        var exit = await build.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.True(exit == exitCode, $"exit {exit?.ToString() ?? "none (still running)"}\n{build.Output}");
        Assert.Contains("The build was cancelled", build.Output);
        Assert.Contains("CredsFallback: removed", build.Output);
        Assert.Empty(workspace.TemporaryConfigs);
        Assert.Equal(before, FileTree.Snapshot(workspace.UserDocker));
    }

    [SkippableFact]
    public async Task The_users_docker_context_and_cli_plugins_still_work_under_the_fallback()
    {
        registry.Require();
        var endpoint = Environment.GetEnvironmentVariable("DOCKER_HOST") ?? "unix:///var/run/docker.sock";
        using var workspace = WorkspaceFromPrivateBase(""", "currentContext": "coinpilot-test" """);
        await CreateContextAndPluginAsync(workspace, endpoint);
        await registry.ForgetBaseImageAsync();
        var before = FileTree.Snapshot(workspace.UserDocker);

        // No DOCKER_HOST: the build reaches the daemon only through the user's current docker context.
        var run = await BuildProcess.RunAsync(workspace.Arguments(), workspace.Environment(("DOCKER_HOST", null)));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("links to cli-plugins, contexts", run.StandardOutput);
        Assert.Empty(workspace.HelperCalls);
        Assert.Equal(before, FileTree.Snapshot(workspace.UserDocker));
    }

    [SkippableFact]
    public async Task A_cli_plugin_and_a_context_answer_through_the_temporary_directory()
    {
        DockerDaemon.Require();
        using var workspace = new DesktopHelperWorkspace("FROM scratch\n", """{ "credsStore": "desktop.exe", "currentContext": "coinpilot-test" }""");
        await CreateContextAndPluginAsync(workspace, "unix:///run/coinpilot-test.sock");
        using var temporary = global::Build.Docker.TemporaryDockerConfig.Create(
            """{ "auths": {}, "currentContext": "coinpilot-test" }""", workspace.UserDocker, workspace.TempRoot);
        var env = workspace.Environment(("DOCKER_CONFIG", temporary.Path), ("DOCKER_HOST", null));

        var plugin = await ProcessRunner.RunAsync("docker", ["hello"], env);
        var context = await ProcessRunner.RunAsync("docker", ["context", "inspect", "--format", "{{.Endpoints.docker.Host}}"], env);

        Assert.True(plugin.ExitCode == 0, plugin.ToString());
        Assert.Contains("hello from a docker CLI plugin", plugin.StandardOutput);
        Assert.Equal("unix:///run/coinpilot-test.sock", context.StandardOutput.Trim());
    }

    private static async Task CreateContextAndPluginAsync(DesktopHelperWorkspace workspace, string endpoint)
    {
        var plugin = Path.Combine(workspace.UserDocker, "cli-plugins", "docker-hello");
        Directory.CreateDirectory(Path.GetDirectoryName(plugin)!);
        await File.WriteAllTextAsync(plugin, """
            #!/bin/sh
            if [ "$1" = docker-cli-plugin-metadata ]; then
              echo '{"SchemaVersion":"0.1.0","Vendor":"coinpilot tests","Version":"1.0.0","ShortDescription":"says hello"}'
              exit 0
            fi
            echo "hello from a docker CLI plugin"
            """);
        TempDirectory.MakeExecutable(plugin);

        // Written with a throwaway config dir that shares contexts/ with the user's, so config.json stays as the test wrote it.
        var create = await ProcessRunner.RunAsync(
            "docker",
            ["--config", workspace.UserDocker, "context", "create", "coinpilot-test", "--docker", $"host={endpoint}"],
            new Dictionary<string, string?> { ["HOME"] = workspace.Home, ["DOCKER_HOST"] = null, ["PATH"] = workspace.Environment()["PATH"] });
        if (create.ExitCode != 0)
        {
            throw new InvalidOperationException(create.ToString());
        }
    }

    private static async Task<bool> HasImageAsync(string image) =>
        (await ProcessRunner.RunAsync("docker", ["image", "inspect", image])).ExitCode == 0;
}

/// <summary>Tests that build with the shared Docker daemon and forget images in it run one class at a time.</summary>
[CollectionDefinition(Name)]
public sealed class DockerCollection
{
    public const string Name = "Docker daemon";
}
