using System.Diagnostics;
using Build.Tests.Infrastructure;
using TestSupport;
using Xunit;

namespace Build.Tests.Pipeline;

/// <summary>
/// The failure paths a hostile user meets, end to end with the real docker and kubectl on the simulated cluster:
/// each run ends in bounded time, says what happened and what it left, and loses nothing.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class FailurePathTests
{
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(30);

    /// <summary>Makes the service's next image never start (its pods stay ContainerCreating), so its rollout never finishes.</summary>
    private static void Hanging(PipelineWorkspace workspace, string service) =>
        workspace.WriteDockerfile(service, ("io.clustersim.start", "never"));

    /// <summary>Makes the service's next image crash at once, so its rollout fails.</summary>
    private static void Crashing(PipelineWorkspace workspace, string service) =>
        workspace.WriteDockerfile(service, ("io.clustersim.exit-code", "1"), ("io.clustersim.log", "panic: config missing"));

    [SkippableFact]
    public async Task A_misspelt_argument_stops_the_run_before_anything_happens_and_names_the_closest_one()
    {
        await using var workspace = await PipelineWorkspace.StartAsync();

        var run = await workspace.RunAsync("--target=Redeploy", "--rollout-timout=5s");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("Error: Unknown argument --rollout-timout=5s. Did you mean --rollout-timeout? Run ./build.sh to list the arguments.", run.Output.Trim());
        Assert.Empty(workspace.Cluster.MinikubeCalls);
    }

    [SkippableFact]
    public async Task An_empty_argument_is_a_one_line_error_that_names_it()
    {
        await using var workspace = await PipelineWorkspace.StartAsync();

        var run = await workspace.RunAsync("--target=Redeploy", "--services=");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("Error: --services= needs a value", run.Output.Trim());
        Assert.Single(run.Output.Trim().Split('\n'));
    }

    [SkippableFact]
    public async Task An_unwritable_temporary_directory_is_said_in_one_line_at_once()
    {
        await using var workspace = await PipelineWorkspace.StartAsync();
        var environment = workspace.Environment;
        environment["TMPDIR"] = "/proc/self"; // no file can be created there, not even by root

        var run = await BuildProcess.RunAsync([$"--config={workspace.ConfigFile}", "--target=Redeploy"], environment, Quick);

        Assert.Equal(1, run.ExitCode);
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(5), $"said after {run.Elapsed}, not at once");
        Assert.Matches(@"^Error: Cannot write to /proc/self/? \(TMPDIR\): .* Point TMPDIR at a writable directory\.$", run.Output.Trim());
    }

    [SkippableFact]
    public async Task Named_pipes_and_sockets_in_a_build_context_are_hashed_by_name_and_never_opened()
    {
        await using var workspace = await PipelineWorkspace.DeployedAsync();
        var context = workspace.ProjectPath("bot");
        Assert.Equal(0, (await ProcessRunner.RunAsync("mkfifo", [Path.Combine(context, "pipe"), Path.Combine(context, "ignored-pipe")])).ExitCode);
        File.WriteAllText(Path.Combine(context, ".dockerignore"), "ignored-pipe\n");
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        socket.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(Path.Combine(context, "agent.sock")));
        workspace.Change("bot");

        var run = await workspace.RunAsync("--target=Redeploy", "--services=bot");
        var again = await workspace.RunAsync("--target=Redeploy", "--services=bot");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("[bot] inputs unchanged since the build of", again.StandardOutput);
    }

    [SkippableFact]
    public async Task A_second_run_at_once_is_refused_naming_the_first_and_nothing_is_rolled_twice()
    {
        await using var workspace = await PipelineWorkspace.DeployedAsync();
        Hanging(workspace, "bot");
        using var first = workspace.Start("--target=Redeploy", "--services=bot", "--rollout-timeout=20s");
        await first.WaitForOutputAsync("Rollout: waiting for bot", TimeSpan.FromSeconds(90));
        var rollouts = workspace.Rollouts("bot");

        var second = await workspace.RunAsync("--target=Redeploy", "--services=bot");

        Assert.Equal(1, second.ExitCode);
        Assert.True(second.Elapsed < TimeSpan.FromSeconds(5), $"refused after {second.Elapsed}, not at once");
        Assert.Matches($@"Error: Not started: another redeploy \(\S+@\S+, pid {first.ProcessId}, Redeploy, since ", second.Output);
        Assert.Contains($"is working on namespace {PipelineWorkspace.Namespace} of context minikube. Wait for it to finish, or pass --lock-timeout=5m", second.Output);
        Assert.DoesNotContain("DockerBuild", second.Output);
        Assert.Equal(rollouts, workspace.Rollouts("bot"));
        Assert.Equal(1, await first.WaitForExitAsync(TimeSpan.FromSeconds(60)));
    }

    [SkippableFact]
    public async Task With_a_lock_timeout_the_second_run_says_it_waits_for_the_first_and_then_runs()
    {
        await using var workspace = await PipelineWorkspace.DeployedAsync();
        Hanging(workspace, "bot");
        using var first = workspace.Start("--target=Redeploy", "--services=bot", "--rollout-timeout=8s");
        await first.WaitForOutputAsync("Rollout: waiting for bot", TimeSpan.FromSeconds(90));
        var webRollouts = workspace.Rollouts("web");

        var second = await workspace.RunAsync("--target=Redeploy", "--services=web", "--lock-timeout=2m");

        Assert.Equal(1, await first.WaitForExitAsync(TimeSpan.FromSeconds(5)));
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Matches($@"ClusterLock: another redeploy \(\S+@\S+, pid {first.ProcessId}, Redeploy, since ", second.StandardOutput);
        Assert.Contains("waiting for it (up to 120s).", second.StandardOutput);
        Assert.Equal(webRollouts, workspace.Rollouts("web"));
    }

    [SkippableFact]
    public async Task A_cluster_that_hangs_during_the_wait_ends_the_run_soon_after_the_timeout_and_says_so()
    {
        await using var workspace = await PipelineWorkspace.DeployedAsync();
        Hanging(workspace, "bot");
        using var run = workspace.Start("--target=Redeploy", "--services=bot", "--rollout-timeout=10s", "--rollback-on-failure=1");
        await run.WaitForOutputAsync("Rollout: waiting for bot", TimeSpan.FromSeconds(90));
        var clock = Stopwatch.StartNew(); // the wait, and its --rollout-timeout, began
        workspace.Cluster.HangRequests(true);

        var exit = await run.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, exit);
        AssertEndedAfterTheWait(clock.Elapsed);
        Assert.Contains("Rollout of deployment/bot failed: not finished after 10s", run.Output);
        Assert.Contains("The cluster stopped answering.", run.Output);
        Assert.Contains("Not rolled back (--rollback-on-failure): the cluster does not answer. When it does, run: kubectl --context=minikube --namespace=coin-pilot-ns rollout undo deployment/bot", run.Output);
        Assert.DoesNotContain("Rollout: done in", run.Output);
        Assert.Contains("To undo bot: kubectl --context=minikube --namespace=coin-pilot-ns rollout undo deployment/bot", run.Output);
    }

    [SkippableFact]
    public async Task A_cluster_that_goes_away_during_the_wait_ends_the_run_at_the_timeout_and_says_so()
    {
        await using var workspace = await PipelineWorkspace.DeployedAsync();
        Hanging(workspace, "bot");
        using var run = workspace.Start("--target=Redeploy", "--services=bot", "--rollout-timeout=10s");
        await run.WaitForOutputAsync("Rollout: waiting for bot", TimeSpan.FromSeconds(90));
        var clock = Stopwatch.StartNew(); // the wait, and its --rollout-timeout, began
        await workspace.Cluster.SetProfileStateAsync(ClusterSim.ProfileState.Stopped);

        var exit = await run.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, exit);
        AssertEndedAfterTheWait(clock.Elapsed);
        Assert.Contains("Rollout of deployment/bot failed: not finished after 10s", run.Output);
        Assert.Contains("The cluster stopped answering", run.Output);
        Assert.Contains("To undo bot: kubectl --context=minikube --namespace=coin-pilot-ns rollout undo deployment/bot", run.Output);
    }

    /// <summary>
    /// The README: the wait ends at --rollout-timeout (10 s here) and the diagnosis gives up after 5 s. Measured from
    /// the line that says the wait began, with 2 s for the rest (the report, the exit) on two busy cores.
    /// </summary>
    private static void AssertEndedAfterTheWait(TimeSpan elapsed)
    {
        Assert.True(elapsed >= TimeSpan.FromSeconds(9), $"ended {elapsed} after the wait began, before --rollout-timeout=10s");
        Assert.True(elapsed < TimeSpan.FromSeconds(10 + 5 + 2), $"ended {elapsed} after the wait began: more than the timeout and the diagnosis's 5 s");
    }

    [SkippableFact]
    public async Task A_hung_cluster_is_found_before_anything_is_built()
    {
        await using var workspace = await PipelineWorkspace.DeployedAsync();
        workspace.Change("bot");
        workspace.Cluster.HangRequests(true);

        var run = await workspace.RunAsync("--target=Redeploy");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("The cluster of kube context minikube did not answer", run.Output);
        Assert.DoesNotContain("[bot] Step", run.Output);
        // README: a hung API server is found within 10 s (Preflight's deadline); 2 s more for the process to start and end.
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(10 + 2), $"took {run.Elapsed}");
    }

    [SkippableFact]
    public async Task Ctrl_C_during_the_wait_exits_130_and_says_which_deployment_was_changed_and_how_to_undo_it()
    {
        await using var workspace = await PipelineWorkspace.DeployedAsync();
        Hanging(workspace, "bot");
        // A home whose docker config names Docker Desktop's helper: CredsFallback makes a temporary DOCKER_CONFIG.
        var home = workspace.Environment["HOME"]!;
        Directory.CreateDirectory(Path.Combine(home, ".docker"));
        File.WriteAllText(Path.Combine(home, ".docker", "config.json"), """{ "auths": {}, "credsStore": "desktop.exe" }""");
        var temporaryConfigs = () => Directory.GetDirectories(workspace.Environment["TMPDIR"]!, "coinpilot-docker-config.*");
        using var run = workspace.Start("--target=Redeploy", "--rollout-timeout=120s");
        await run.WaitForOutputAsync("Rollout: waiting for bot", TimeSpan.FromSeconds(90));
        Assert.Contains("CredsFallback: applied", run.Output);
        Assert.Single(temporaryConfigs());

        Signals.Send(run.ProcessId, Signals.SIGINT);
        var exit = await run.WaitForExitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(130, exit);
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(run.Output, @"bot\s+\S+:id-\w{16}\s+\w{12}\s+[\d.]+s\s+loaded [\d.]+s\s+interrupted"), run.Output);
        Assert.Matches(@"web\s+\S+:id-\w{16}\s+\w{12}\s+reused\s+on node\s+unchanged", run.Output);
        Assert.Contains("This run changed deployment/bot and left it as the table says", run.Output);
        Assert.Contains("To undo bot: kubectl --context=minikube --namespace=coin-pilot-ns rollout undo deployment/bot", run.Output);
        Assert.Empty(temporaryConfigs());
    }

    [SkippableFact]
    public async Task Every_service_has_a_row_when_one_crashes_and_the_other_rolls_out()
    {
        await using var workspace = await PipelineWorkspace.DeployedAsync();
        Crashing(workspace, "bot");
        workspace.Change("web");

        var run = await workspace.RunAsync("--target=Redeploy", "--rollout-timeout=8s");

        Assert.Equal(1, run.ExitCode);
        Assert.Matches(@"bot\s+\S+:id-\w{16}\s+\w{12}\s+[\d.]+s\s+loaded [\d.]+s\s+failed: CrashLoopBackOff \(exit 1, 2 restarts\)", run.Output);
        Assert.Matches(@"web\s+\S+:id-\w{16}\s+\w{12}\s+[\d.]+s\s+loaded [\d.]+s\s+rolled out [\d.]+s", run.Output);
        Assert.Contains("Error: Rollout failed for bot (see the diagnosis above).", run.Output);
    }

    [SkippableFact]
    public async Task A_failing_build_names_the_service_with_dockers_words_and_the_other_build_still_finishes()
    {
        await using var workspace = await PipelineWorkspace.StartAsync();
        await workspace.ApplyManifestsAsync();
        File.AppendAllText(workspace.ProjectPath("bot", "Dockerfile"), "COPY missing.txt /missing.txt\n");

        var run = await workspace.RunAsync("--target=Redeploy");

        Assert.Equal(1, run.ExitCode);
        // The streamed build line ("[bot] Step 3/3 : COPY missing.txt") names the file too: the error must carry docker's own words.
        var error = run.Output[run.Output.IndexOf("Error: docker build of bot failed:", StringComparison.Ordinal)..];
        Assert.Matches(@"^Error: docker build of bot failed:\n(  .*\n)*  COPY failed: file not found in build context.*missing\.txt", error);
        Assert.DoesNotContain("web", error.Split('\n')[0]);
        Assert.Matches(@"bot\s+-\s+-\s+build failed\s+-\s+-", run.Output);
        Assert.Matches(@"web\s+\S+:id-\w{16}\s+\w{12}\s+[\d.]+s\s+-\s+-", run.Output);
        Assert.NotNull(await workspace.BuiltImageIdAsync("web"));
        Assert.Equal(0, workspace.ImageLoads);
    }

    [SkippableFact]
    public async Task The_same_build_error_for_several_services_is_said_once_naming_them_all()
    {
        await using var workspace = await PipelineWorkspace.StartAsync();
        await workspace.ApplyManifestsAsync();
        foreach (var service in PipelineWorkspace.Services)
        {
            File.AppendAllText(workspace.ProjectPath(service, "Dockerfile"), "COPY missing.txt /missing.txt\n");
        }

        var run = await workspace.RunAsync("--target=Redeploy");

        Assert.Equal(1, run.ExitCode);
        var errors = run.Output.Split('\n').Where(l => l.StartsWith("Error: ", StringComparison.Ordinal)).ToList();
        Assert.Equal(["Error: docker build of bot, web failed:"], errors.Select(e => e[..Math.Min(e.Length, "Error: docker build of bot, web failed:".Length)]));
        Assert.Single(run.Output.Split('\n'), l => l.Contains("docker build of", StringComparison.Ordinal));
        Assert.Single(run.Output.Split('\n'), l => l.StartsWith("  COPY failed:", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task An_unreachable_docker_daemon_is_one_short_error_before_anything_else()
    {
        await using var workspace = await PipelineWorkspace.DeployedAsync();
        var environment = workspace.Environment;
        environment["DOCKER_HOST"] = "unix:///nonexistent/docker.sock";

        var run = await BuildProcess.RunAsync([$"--config={workspace.ConfigFile}", "--target=Redeploy"], environment);

        Assert.Equal(1, run.ExitCode);
        var errors = run.Output.Split('\n').Where(l => l.StartsWith("Error: ", StringComparison.Ordinal)).ToList();
        Assert.Equal(["Error: The Docker daemon does not answer (Cannot connect to the Docker daemon at unix:///nonexistent/docker.sock. Is the docker daemon running?). Start Docker, or check DOCKER_HOST and the docker context (docker context ls)."], errors);
        Assert.Single(run.Output.Split('\n'), l => l.Contains("Cannot connect", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task Output_to_a_file_has_no_colour_codes_even_with_a_colour_terminal_type()
    {
        await using var workspace = await PipelineWorkspace.DeployedAsync();
        var environment = workspace.Environment;
        environment["NO_COLOR"] = null;
        environment["TERM"] = "xterm-256color";

        var run = await BuildProcess.RunAsync([$"--config={workspace.ConfigFile}", "--target=Redeploy"], environment);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.DoesNotContain("\u001b[", run.Output);
    }

    [SkippableFact]
    public async Task A_pod_stuck_in_container_creating_is_named_in_the_diagnosis()
    {
        await using var workspace = await PipelineWorkspace.DeployedAsync();
        workspace.WriteDockerfile("bot", ("io.clustersim.start", "never"));

        var run = await workspace.RunAsync("--target=Redeploy", "--services=bot", "--rollout-timeout=6s");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Rollout of deployment/bot failed: not finished after 6s", run.Output);
        Assert.Matches(@"pod bot-\S+: container bot is ContainerCreating", run.Output);
        Assert.Contains("The container has not started yet: the node is still preparing it", run.Output);
    }

    [SkippableFact]
    public async Task A_progress_deadline_and_its_pods_are_diagnosed()
    {
        await using var workspace = await PipelineWorkspace.StartAsync();
        workspace.WriteManifest("bot", "IfNotPresent", progressDeadlineSeconds: 3);
        await workspace.ApplyManifestsAsync();
        Crashing(workspace, "bot");

        // An allowance larger than the deadline leaves the crash loop to the deadline.
        using var running = workspace.Start("--target=Redeploy", "--services=bot", "--rollout-timeout=60s", "--fail-after-restarts=50");
        await running.WaitForOutputAsync("Rollout: waiting for bot", TimeSpan.FromSeconds(90));
        var clock = Stopwatch.StartNew();
        var exit = await running.WaitForExitAsync(TimeSpan.FromSeconds(60));
        var run = (ExitCode: exit, running.Output);

        // It ends when the deadline (3 s after the rollout started) passes, not at --rollout-timeout: the deadline, the
        // controller's next resync and the diagnosis, with a margin for two busy cores.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3 + 5 + 5), $"took {clock.Elapsed} after the wait began");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Rollout of deployment/bot failed: exceeded its progress deadline.", run.Output);
        Assert.Matches(@"bot\s+\S+:id-\w{16}\s+\w{12}\s+[\d.]+s\s+loaded [\d.]+s\s+failed: progress deadline", run.Output);
        Assert.Matches(@"pod bot-\S+: container bot is (CrashLoopBackOff|Error)", run.Output);
        Assert.Contains("| panic: config missing", run.Output);
    }
}
