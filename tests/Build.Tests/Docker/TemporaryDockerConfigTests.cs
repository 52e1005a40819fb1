using System.Diagnostics;
using System.Text.Json;
using Build.Docker;
using TestSupport;
using Xunit;

namespace Build.Tests.Docker;

/// <summary>The private directory DOCKER_CONFIG points to during the fallback.</summary>
public sealed class TemporaryDockerConfigTests : IDisposable
{
    private readonly TempDirectory _home = new("home");
    private readonly TempDirectory _tmp = new("tmpdir");

    private string UserDocker => _home.Combine(".docker");

    public TemporaryDockerConfigTests()
    {
        _home.WriteFile(".docker/config.json", """{ "credsStore": "desktop.exe" }""");
        _home.WriteFile(".docker/cli-plugins/docker-hello", "#!/bin/sh\n");
        _home.WriteFile(".docker/contexts/meta/abc/meta.json", "{}");
        _home.WriteFile(".docker/buildx/current", "{}");
        _home.WriteFile(".docker/features.json", "{}");
    }

    public void Dispose()
    {
        _home.Dispose();
        _tmp.Dispose();
    }

    [Fact]
    public void Is_a_private_directory_named_for_the_build_under_the_given_temp_root()
    {
        using var config = TemporaryDockerConfig.Create("{}", UserDocker, _tmp.Path);

        Assert.Equal(_tmp.Path, Path.GetDirectoryName(config.Path));
        Assert.StartsWith("coinpilot-docker-config.", Path.GetFileName(config.Path));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(config.Path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(config.Path, "config.json")));
        }
    }

    [Fact]
    public void Holds_the_given_config_and_links_every_other_entry_of_the_users_docker_directory()
    {
        using var config = TemporaryDockerConfig.Create("""{"auths":{}}""", UserDocker, _tmp.Path);

        Assert.Equal("""{"auths":{}}"""u8.ToArray(), File.ReadAllBytes(Path.Combine(config.Path, "config.json"))); // no BOM: docker rejects one
        Assert.Equal(["buildx", "cli-plugins", "contexts", "features.json"], config.Linked.Order());
        Assert.Equal(Path.Combine(UserDocker, "contexts"), new DirectoryInfo(Path.Combine(config.Path, "contexts")).LinkTarget);
        Assert.True(File.Exists(Path.Combine(config.Path, "cli-plugins", "docker-hello")));
    }

    [Fact]
    public void Removing_it_removes_the_links_but_never_what_they_point_to()
    {
        var before = Snapshot(UserDocker);
        var config = TemporaryDockerConfig.Create("{}", UserDocker, _tmp.Path);

        config.Dispose();

        Assert.False(Directory.Exists(config.Path));
        Assert.Equal(before, Snapshot(UserDocker));
    }

    [Fact]
    public void Works_without_a_users_docker_directory()
    {
        using var config = TemporaryDockerConfig.Create("{}", _home.Combine("no-such-dir"), _tmp.Path);

        Assert.Empty(config.Linked);
        Assert.True(File.Exists(Path.Combine(config.Path, "config.json")));
    }

    [Fact]
    public void A_later_run_removes_a_directory_whose_process_is_gone()
    {
        var abandoned = CreateOwnedBy(DeadProcessId());

        var removed = TemporaryDockerConfig.RemoveAbandoned(_tmp.Path);

        Assert.Equal([abandoned], removed);
        Assert.False(Directory.Exists(abandoned));
        Assert.True(File.Exists(Path.Combine(UserDocker, "contexts", "meta", "abc", "meta.json")));
    }

    [Fact]
    public void A_later_run_leaves_a_directory_whose_process_still_runs()
    {
        using var live = TemporaryDockerConfig.Create("{}", UserDocker, _tmp.Path);

        Assert.Empty(TemporaryDockerConfig.RemoveAbandoned(_tmp.Path));
        Assert.True(live.Exists);
    }

    [Fact]
    public void A_later_run_leaves_directories_it_cannot_prove_are_its_own()
    {
        var noMarker = Directory.CreateDirectory(Path.Combine(_tmp.Path, "coinpilot-docker-config.bash1234")).FullName;
        var otherHost = CreateOwnedBy(DeadProcessId(), host: "another-machine");
        var otherUser = CreateOwnedBy(DeadProcessId(), user: "uid:4242");
        var reusedPid = CreateOwnedBy(Environment.ProcessId, startTicks: 1); // this pid, but another process's start time
        var garbage = Directory.CreateDirectory(Path.Combine(_tmp.Path, "coinpilot-docker-config.garbage")).FullName;
        File.WriteAllText(Path.Combine(garbage, TemporaryDockerConfig.OwnerFile), "not json");

        var removed = TemporaryDockerConfig.RemoveAbandoned(_tmp.Path);

        Assert.Equal([reusedPid], removed);
        Assert.True(Directory.Exists(noMarker));
        Assert.True(Directory.Exists(otherHost));
        Assert.True(Directory.Exists(otherUser));
        Assert.True(Directory.Exists(garbage));
    }

    /// <summary>A directory like one a crashed run leaves, with an owner marker as given.</summary>
    private string CreateOwnedBy(int processId, string? host = null, string? user = null, long? startTicks = null)
    {
        using var template = TemporaryDockerConfig.Create("{}", UserDocker, _tmp.Path);
        var marker = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(File.ReadAllText(Path.Combine(template.Path, TemporaryDockerConfig.OwnerFile)))!;
        var copy = Directory.CreateDirectory(Path.Combine(_tmp.Path, $"coinpilot-docker-config.t{Guid.NewGuid():N}")).FullName;
        File.WriteAllText(Path.Combine(copy, "config.json"), "{}");
        Directory.CreateSymbolicLink(Path.Combine(copy, "contexts"), Path.Combine(UserDocker, "contexts"));
        File.WriteAllText(Path.Combine(copy, TemporaryDockerConfig.OwnerFile), JsonSerializer.Serialize(new
        {
            ProcessId = processId,
            ProcessStartTicks = startTicks ?? marker["ProcessStartTicks"].GetInt64(),
            User = user ?? marker["User"].GetString(),
            Host = host ?? marker["Host"].GetString(),
        }));
        return copy;
    }

    private static int DeadProcessId()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        process.WaitForExit();
        return process.Id;
    }

    private static Dictionary<string, string> Snapshot(string directory) =>
        Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(directory, f), File.ReadAllText);
}
