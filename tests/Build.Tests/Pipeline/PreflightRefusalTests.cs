using Build.Tests.Infrastructure;
using TestSupport;
using Xunit;

namespace Build.Tests.Pipeline;

/// <summary>
/// What a run says when it cannot start, end to end with the real kubectl and docker: one line naming what is wrong
/// and the fix, before anything is built.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class PreflightRefusalTests
{
    private static List<string> Errors(ProcessResult run) =>
        run.Output.Split('\n').Where(l => l.StartsWith("Error: ", StringComparison.Ordinal)).Select(l => l.TrimEnd()).ToList();

    [SkippableFact]
    public async Task A_paused_deployment_is_named_before_anything_is_built()
    {
        await using var workspace = await PipelineWorkspace.DeployedAsync();
        var paused = await workspace.KubectlAsync("rollout", "pause", "deployment/bot", "-n", PipelineWorkspace.Namespace);
        Assert.True(paused.ExitCode == 0, paused.ToString());
        workspace.Change("bot");
        var loads = workspace.ImageLoads;

        var run = await workspace.RunAsync("--target=Redeploy");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(["Error: deployment/bot is paused (kubectl rollout resume deployment/bot -n coin-pilot-ns)"], Errors(run));
        Assert.DoesNotContain("[bot] Step", run.Output);
        Assert.Equal(loads, workspace.ImageLoads);
    }

    [SkippableFact]
    public async Task A_kubeconfig_variable_naming_a_missing_file_is_said_by_the_file()
    {
        await using var workspace = await PipelineWorkspace.StartAsync();
        var environment = workspace.Environment;
        environment["KUBECONFIG"] = "/nonexistent/kube/config";

        var run = await BuildProcess.RunAsync([$"--config={workspace.ConfigFile}", "--target=Redeploy"], environment, TimeSpan.FromMinutes(1));

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(["Error: kube context minikube is not in your kubeconfig: KUBECONFIG names /nonexistent/kube/config, which does not exist, so kubectl has no contexts. " +
            "Point KUBECONFIG at your kubeconfig file, or unset it to use ~/.kube/config."], Errors(run));
    }

    [SkippableFact]
    public async Task An_unknown_context_is_answered_with_the_contexts_the_kubeconfig_has()
    {
        await using var workspace = await PipelineWorkspace.StartAsync();

        var run = await workspace.RunAsync("--target=Redeploy", "--kube-context=nope", "--allow-context=nope");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(["Error: kube context nope is not in your kubeconfig (it has minikube). Pass --kube-context=NAME with a context it has (kubectl config get-contexts)."], Errors(run));
        Assert.DoesNotContain("update-context", run.Output);
    }

    [SkippableTheory]
    [InlineData("--rollout-timeout=3000000000s")]
    [InlineData("--lock-timeout=99999999999h")]
    [InlineData("--rollout-timeout=1000000h")]
    public async Task A_duration_too_long_is_refused_naming_the_argument_and_the_largest_value(string argument)
    {
        await using var workspace = await PipelineWorkspace.StartAsync();

        var run = await workspace.RunAsync("--target=Redeploy", argument);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"Error: {argument} is too long: the largest value accepted is 576h.", run.Output.Trim());
        Assert.Empty(workspace.Cluster.MinikubeCalls);
    }

    [SkippableFact]
    public async Task A_build_input_cache_that_is_a_directory_is_said_once_with_its_path_and_leaves_nothing_behind()
    {
        await using var workspace = await PipelineWorkspace.StartAsync();
        await workspace.ApplyManifestsAsync();
        var data = Path.Combine(workspace.Environment["HOME"]!, ".local", "share", "coinpilot-redeploy");
        var cache = Directory.CreateDirectory(Path.Combine(data, "build-inputs.json")).FullName;

        var run = await workspace.RunAsync("--target=Redeploy");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Single(run.Output.Split('\n'), l => l.Contains($"could not save the build-input cache {cache}", StringComparison.Ordinal));
        Assert.Empty(Directory.GetFiles(data, "*.tmp"));
    }

    [SkippableFact]
    public async Task No_permission_on_the_docker_socket_is_said_with_the_socket_and_the_docker_group()
    {
        DockerDaemon.Require();
        var socket = Environment.GetEnvironmentVariable("DOCKER_HOST") ?? "unix:///var/run/docker.sock";
        var setpriv = Requirements.FindOnPath("setpriv");
        Skip.If(setpriv is null || Environment.UserName != "root" || !socket.StartsWith("unix://", StringComparison.Ordinal),
            "needs root and setpriv to run the build as a user without access to the Docker socket");
        using var home = new TempDirectory("nobody");
        if (OperatingSystem.IsLinux())
        {
            File.SetUnixFileMode(home.Path, (UnixFileMode)0x1FF); // rwxrwxrwx: the user nobody writes there
        }

        var run = await ProcessRunner.RunAsync(setpriv!, ["--reuid=65534", "--regid=65534", "--clear-groups", "env", $"HOME={home.Path}", $"DOTNET_CLI_HOME={home.Path}",
            "NO_COLOR=1", $"DOCKER_HOST={socket}", Requirements.FindOnPath("dotnet")!, BuildProcess.BuildDll, "--target=Doctor"],
            null, BuildProcess.RepositoryRoot, TimeSpan.FromMinutes(1));

        Assert.Matches($@"docker daemon\s+BLOCKS\s+No permission to use the Docker socket {System.Text.RegularExpressions.Regex.Escape(socket)}: add your user to the docker group \(sudo usermod -aG docker \$USER", run.Output);
    }
}
