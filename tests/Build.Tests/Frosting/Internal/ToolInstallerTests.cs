using Cake.Core.Diagnostics;
using Cake.Frosting;
using TestSupport;
using Xunit;

namespace Build.Tests.Frosting.Internal;

/// <summary>Installing a real tool package with Cake's NuGet installer, from the configured NuGet source.</summary>
[Collection(HostCollection.Name)]
public sealed class ToolInstallerTests
{
    /// <summary>A tiny package with a dll, pinned: Cake installs a NuGet tool package whole and registers its .exe and .dll files.</summary>
    private const string Tool = "nuget:?package=Microsoft.Bcl.HashCode&version=1.1.1";

    [SkippableFact]
    public async Task InstallTool_installs_a_NuGet_package_into_the_tools_directory_and_the_tool_resolves()
    {
        var problem = await NuGetSource.ProblemAsync();
        Requirements.Require(problem is null, problem ?? "");
        using var tools = new TempDirectory("frosting-tools");

        var run = HostHarness.Run(
            h => h.UseCakeSetting("paths_tools", tools.Path)
                .InstallTool(new Uri(Tool))
                .WithProbe(context => context.Log.Information(
                    "resolved: {0}", context.Tools.Resolve("Microsoft.Bcl.HashCode.dll")?.FullPath ?? "<nothing>")),
            "--target", "Probe");

        Assert.True(run.ExitCode == 0, run.Output);
        var resolved = run.Output.Split('\n').Single(line => line.StartsWith("resolved: ", StringComparison.Ordinal))["resolved: ".Length..].Trim();
        Assert.StartsWith(tools.Path + "/", resolved);
        Assert.True(File.Exists(resolved), resolved);
    }
}
