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

    [SkippableFact]
    public async Task Every_docker_minikube_and_kubectl_call_of_a_fallback_run_gets_the_temporary_config()
    {
        await using var workspace = await PipelineWorkspace.StartAsync();
        await workspace.ApplyManifestsAsync();
        using var user = new TempDirectory("desktop-user");
        user.WriteFile("home/.docker/config.json", """{ "credsStore": "desktop.exe" }""");
        var calls = user.Combine("calls.log");
        var tools = new Dictionary<string, string>
        {
            ["docker"] = Requirements.FindOnPath("docker")!,
            ["kubectl"] = Requirements.FindOnPath("kubectl")!,
            ["minikube"] = Path.Combine(workspace.Cluster.BinDirectory, "minikube"),
        };
        foreach (var (tool, real) in tools)
        {
            // A recording shim first on PATH: what each process got, then the real tool.
            user.WriteExecutable($"bin/{tool}", $"#!/bin/sh\necho \"{tool} DOCKER_CONFIG=${{DOCKER_CONFIG:-unset}}\" >> '{calls}'\nexec '{real}' \"$@\"\n");
        }

        var environment = workspace.Environment;
        environment["HOME"] = user.Combine("home");
        environment["PATH"] = user.Combine("bin") + Path.PathSeparator + environment["PATH"];
        workspace.Change("bot");

        var run = await Infrastructure.BuildProcess.RunAsync([$"--config={workspace.ConfigFile}", "--target=Redeploy"], environment);

        Assert.True(run.ExitCode == 0, run.ToString());
        var temporary = System.Text.RegularExpressions.Regex.Match(run.StandardOutput, @"DOCKER_CONFIG=(\S+coinpilot-docker-config\.\w+)").Groups[1].Value;
        Assert.NotEmpty(temporary);
        var lines = File.ReadAllLines(calls);
        Assert.Contains(lines, l => l.StartsWith("docker ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("kubectl ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("minikube ", StringComparison.Ordinal));
        Assert.All(lines, line => Assert.EndsWith($" DOCKER_CONFIG={temporary}", line));
        Assert.False(Directory.Exists(temporary));
    }
}
