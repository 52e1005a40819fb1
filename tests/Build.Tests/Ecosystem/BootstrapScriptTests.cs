using Build.Tests.Infrastructure;
using TestSupport;
using Xunit;

namespace Build.Tests.Ecosystem;

/// <summary>
/// The bootstrap scripts themselves: shellcheck-clean, and build.sh / build.ps1 (under the real pwsh) behave the same:
/// usage, the dependency tree, exit codes and arguments pass through unchanged; build.sh execs the build.
/// </summary>
public sealed class BootstrapScriptTests
{
    private static string Root => BootstrapScripts.RepositoryRoot;

    [SkippableFact]
    public async Task Shellcheck_passes_on_build_sh_the_ci_entry_point_and_the_scripts()
    {
        var shellcheck = Requirements.RequireTool("shellcheck", "apt-get install shellcheck");
        string[] files =
        [
            Path.Combine(Root, "build.sh"),
            Path.Combine(Root, ".ci", "run"),
            .. Directory.GetFiles(Path.Combine(Root, "scripts"), "*.sh").Order(StringComparer.Ordinal),
        ];
        Assert.Contains(files, f => f.EndsWith("install-test-prerequisites.sh", StringComparison.Ordinal));

        var result = await ProcessRunner.RunAsync(shellcheck, ["--format=gcc", .. files], workingDirectory: Root);

        Assert.True(result.ExitCode == 0, $"shellcheck found problems in {string.Join(", ", files.Select(f => Path.GetRelativePath(Root, f)))}:\n{result}");
    }

    [SkippableTheory]
    [InlineData("build.sh")]
    [InlineData("build.ps1")]
    public async Task Help_exits_zero_and_shows_the_usage(string script)
    {
        var result = await BootstrapScripts.RunAsync(script, Root, ["--help"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("USAGE:", result.StandardOutput);
        Assert.Contains("--target", result.StandardOutput);
    }

    [SkippableTheory]
    [InlineData("build.sh")]
    [InlineData("build.ps1")]
    public async Task Tree_shows_the_Redeploy_chain(string script)
    {
        var result = await BootstrapScripts.RunAsync(script, Root, ["--target=Redeploy", "--tree"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        AssertChain(result.StandardOutput, "Watch", "Redeploy", "PruneImages", "Rollout", "MinikubeImageLoad", "DockerBuild", "CredsFallback"); // Watch is built on Redeploy, so the tree is rooted there
    }

    [SkippableTheory]
    [InlineData("build.sh")]
    [InlineData("build.ps1")]
    public async Task A_failing_targets_exit_code_comes_out_of_the_script(string script)
    {
        var result = await BootstrapScripts.RunAsync(script, Root, ["--target=DockerBuild", "--config=/no/such/file.json"]);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("/no/such/file.json does not exist", result.Output);
    }

    [SkippableTheory]
    [InlineData("build.sh")]
    [InlineData("build.ps1")]
    public async Task Every_argument_arrives_unchanged_even_with_spaces_quotes_and_shell_characters(string script)
    {
        // The build echoes a missing --config path verbatim, so the path shows what arrived.
        const string path = """/no/such dir/it's "quoted" $HOME `pwd` *.json \x; echo injected""";

        var result = await BootstrapScripts.RunAsync(script, Root, ["--target=DockerBuild", $"--config={path}"]);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains($"{path} does not exist", result.Output);
        Assert.DoesNotContain("\ninjected", result.Output);
    }

    [SkippableFact]
    public async Task Build_sh_execs_the_build_so_a_signal_to_its_pid_reaches_the_build()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "reads /proc to see which program the pid runs");
        using var temp = new TempDirectory("exec");
        // A docker that records its start and then hangs: DockerBuild is running while the test signals.
        var started = temp.Combine("docker-started");
        temp.WriteExecutable("bin/docker", $"#!/bin/sh\necho \"$*\" >> '{started}'\nexec sleep 120\n");
        var environment = BootstrapScripts.Environment(
            ("PATH", temp.Combine("bin") + Path.PathSeparator + System.Environment.GetEnvironmentVariable("PATH")));
        var info = ProcessRunner.CreateStartInfo(Path.Combine(Root, "build.sh"), ["--target=DockerBuild", "--keep-docker-creds=1"], environment, Root);

        using var build = new RunningBuild(info);
        await Network.WaitUntilAsync(() => Task.FromResult(File.Exists(started)), TimeSpan.FromMinutes(3), $"the build to run docker:\n{build.Output}");
        var commandLine = (await File.ReadAllTextAsync($"/proc/{build.ProcessId}/cmdline")).Split('\0', StringSplitOptions.RemoveEmptyEntries);
        var descendants = Descendants(build.ProcessId);
        int? exit;
        try
        {
            Signals.Send(build.ProcessId, Signals.SIGTERM);
            exit = await build.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            // Without exec the build is build.sh's child: the signal does not reach it, and it would outlive the test.
            foreach (var (pid, _) in descendants.Where(d => d.StartTime is not null && StartTime(d.Pid) == d.StartTime))
            {
                try { Signals.Send(pid, Signals.SIGKILL); } catch (InvalidOperationException) { }
            }
        }

        Assert.True(
            Path.GetFileName(commandLine[0]) == "dotnet" && commandLine.Length > 1 && commandLine[1].EndsWith("Build.dll", StringComparison.Ordinal),
            $"pid {build.ProcessId} that build.sh started as runs `{string.Join(' ', commandLine)}`, not the build");
        Assert.True(exit == 143, $"exit {exit?.ToString() ?? "none (still running)"}\n{build.Output}");
        Assert.Contains("The build was cancelled", build.Output);
    }

    /// <summary>The processes below <paramref name="root"/>, each with its start time (Linux: /proc/PID/stat).</summary>
    private static List<(int Pid, string? StartTime)> Descendants(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var directory in Directory.GetDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), out var pid) && Stat(pid) is { } fields)
            {
                parents[pid] = int.Parse(fields[1]);
            }
        }

        var found = new List<(int, string?)>();
        var queue = new Queue<int>([root]);
        while (queue.TryDequeue(out var parent))
        {
            foreach (var child in parents.Where(p => p.Value == parent).Select(p => p.Key))
            {
                found.Add((child, StartTime(child)));
                queue.Enqueue(child);
            }
        }

        return found;
    }

    /// <summary>A process's start time: with the pid it names the process, even after the pid is reused.</summary>
    private static string? StartTime(int pid) => Stat(pid)?[19];

    /// <summary>The fields of /proc/PID/stat after the command name (state, ppid, ...), or null when it ended.</summary>
    private static string[]? Stat(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// Asserts that Cake's --tree output has a block rooted at <paramref name="chain"/>[0] in which each following
    /// task appears below the previous one, nested deeper.
    /// </summary>
    private static void AssertChain(string output, params string[] chain)
    {
        var lines = output.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        static int Depth(string line) => line.TakeWhile(c => !char.IsLetterOrDigit(c)).Count();
        static string Name(string line) => line.TrimStart(' ', '│', '├', '└', '─', '|', '`', '-').Trim();

        var root = lines.FindIndex(l => l == chain[0]);
        Assert.True(root >= 0, $"no tree rooted at {chain[0]} in:\n{output}");
        var block = lines.Skip(root + 1).TakeWhile(l => l.Length > 0 && Depth(l) > 0).ToList();

        var depth = 0;
        var position = -1;
        foreach (var task in chain.Skip(1))
        {
            var found = block.FindIndex(position + 1, l => Name(l) == task);
            Assert.True(found >= 0 && Depth(block[found]) > depth, $"{task} is not nested below the previous task of {string.Join(" -> ", chain)} in:\n{output}");
            depth = Depth(block[found]);
            position = found;
        }
    }
}
