using TestSupport;
using Xunit;

namespace Build.Tests.Pipeline;

/// <summary>
/// What the redeploy-e2e workflow's second run does on a real minikube, here on the simulated one: a WSL user's
/// HOME whose docker config names Docker Desktop's helper, the broken helper first on PATH, a changed service.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class DesktopHelperRedeployTests
{
    [SkippableFact]
    public async Task Redeploy_with_the_desktop_helper_configured_never_calls_it_and_the_new_image_runs()
    {
        await using var workspace = await PipelineWorkspace.StartAsync();
        await workspace.ApplyManifestsAsync();
        using var user = new TempDirectory("desktop-user");
        user.WriteFile("home/.docker/config.json", """{ "credsStore": "desktop.exe" }""");
        var log = user.Combine("helper.log");
        user.WriteExecutable("bin/docker-credential-desktop.exe", $"#!/bin/sh\necho \"$*\" >> '{log}'\nexit 1\n");
        var environment = workspace.Environment;
        environment["HOME"] = user.Combine("home");
        environment["PATH"] = user.Combine("bin") + Path.PathSeparator + environment["PATH"];
        workspace.Change("bot");

        var run = await Infrastructure.BuildProcess.RunAsync([$"--config={workspace.ConfigFile}", "--target=Redeploy"], environment);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("CredsFallback: applied:", run.StandardOutput);
        Assert.False(File.Exists(log), File.Exists(log) ? File.ReadAllText(log) : "");
        Assert.Equal([$"docker://{await workspace.BuiltImageIdAsync("bot")}"], workspace.PodImageIds("bot"));
        Assert.Empty(Directory.GetDirectories(workspace.Environment["TMPDIR"]!, "coinpilot-docker-config.*"));
    }
}
