using TestSupport;
using Xunit;

namespace Build.Tests.Pipeline;

/// <summary>Long steps show a spinner in a terminal a person watches, and plain lines anywhere else.</summary>
[Collection(PipelineCollection.Name)]
public sealed class ProgressTests
{
    [SkippableFact]
    public async Task Without_a_terminal_long_steps_are_plain_lines()
    {
        await using var workspace = await PipelineWorkspace.StartAsync();
        await workspace.ApplyManifestsAsync();

        var run = await workspace.RunAsync("--target=Redeploy");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("MinikubeImageLoad: loading ", run.StandardOutput);
        Assert.Matches(@"MinikubeImageLoad: done in [\d.]+s\.", run.StandardOutput);
        Assert.Contains("Rollout: waiting for bot, web (up to 180s)...", run.StandardOutput);
        Assert.Matches(@"Rollout: done in [\d.]+s\.", run.StandardOutput);
        Assert.DoesNotContain("\u001b[", run.Output); // NO_COLOR: no escape sequences at all
    }

    [SkippableFact]
    public async Task In_a_terminal_long_steps_show_a_spinner_and_NO_COLOR_still_means_no_colours()
    {
        var script = Requirements.RequireTool("script", "util-linux's script, to give the build a terminal");
        await using var workspace = await PipelineWorkspace.StartAsync();
        await workspace.ApplyManifestsAsync();
        var environment = workspace.Environment;
        environment["CI"] = null;
        environment["TERM"] = "xterm";
        environment["NO_COLOR"] = "1";
        var command = $"dotnet '{Infrastructure.BuildProcess.BuildDll}' --target=Redeploy '--config={workspace.ConfigFile}'";

        var run = await ProcessRunner.RunAsync(script, ["-qefc", command, "/dev/null"], environment, Infrastructure.BuildProcess.RepositoryRoot, TimeSpan.FromMinutes(3));
        environment["NO_COLOR"] = null;
        var coloured = await ProcessRunner.RunAsync(script, ["-qefc", command + " --force-restart=1", "/dev/null"], environment, Infrastructure.BuildProcess.RepositoryRoot, TimeSpan.FromMinutes(3));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches(@"\u001b\[[0-9;]*[1-9][0-9;]*m", coloured.StandardOutput); // without NO_COLOR there are colours
        Assert.Contains("Rollout: waiting for bot, web (up to 180s)", run.StandardOutput);
        Assert.Matches("[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]", run.StandardOutput); // Spectre's dots spinner
        Assert.DoesNotContain("Rollout: waiting for bot, web (up to 180s)...", run.StandardOutput); // not the plain start line
        Assert.DoesNotMatch(@"\u001b\[[0-9;]*m", run.StandardOutput.Replace("\u001b[0m", "", StringComparison.Ordinal)); // no colours
        Assert.Matches(@"Rollout: done in [\d.]+s\.", run.StandardOutput);
    }
}
