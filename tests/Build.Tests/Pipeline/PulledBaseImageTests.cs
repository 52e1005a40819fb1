using Build.Tests.Infrastructure;
using TestSupport;
using Xunit;

namespace Build.Tests.Pipeline;

/// <summary>
/// A base image that is not local when the run starts is pulled by the build; what the build made is remembered all
/// the same, so the next run with nothing changed builds nothing.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class PulledBaseImageTests(PrivateRegistry registry) : IClassFixture<PrivateRegistry>
{
    [SkippableFact]
    public async Task A_no_op_right_after_a_build_that_pulled_its_base_image_builds_nothing()
    {
        registry.Require();
        await using var workspace = await PipelineWorkspace.StartAsync();
        foreach (var service in PipelineWorkspace.Services)
        {
            File.WriteAllText(workspace.ProjectPath(service, "Dockerfile"), $"FROM {registry.BaseImage}\nCOPY content.txt /content.txt\n");
        }

        await workspace.ApplyManifestsAsync();
        await registry.ForgetBaseImageAsync();
        var environment = workspace.Environment;
        environment["DOCKER_CONFIG"] = registry.DockerConfig; // the user's own config, with the registry's login

        var first = await BuildProcess.RunAsync([$"--config={workspace.ConfigFile}", "--target=Redeploy"], environment);
        var again = await BuildProcess.RunAsync([$"--config={workspace.ConfigFile}", "--target=Redeploy"], environment);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains($"[bot] Step 1/2 : FROM {registry.BaseImage}", first.StandardOutput);
        Assert.Contains("Pulling from coinpilot-test/base", first.StandardOutput); // it really was not local
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("[bot] inputs unchanged since the build of", again.StandardOutput);
        Assert.Contains("[web] inputs unchanged since the build of", again.StandardOutput);
        Assert.DoesNotContain("Step 1/", again.StandardOutput);
    }
}
