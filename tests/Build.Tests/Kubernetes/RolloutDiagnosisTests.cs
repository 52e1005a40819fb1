using System.Text.Json.Nodes;
using Build.Delivery;
using Build.Kubernetes;
using Build.Tests.Infrastructure;
using Cake.Core.Diagnostics;
using Xunit;

namespace Build.Tests.Kubernetes;

/// <summary>
/// What the diagnosis says about each state a rollout can fail in, from what kubectl printed for pods, events and a
/// crashed container's log (recorded by Recorded/record.sh from the simulated cluster, one deployment per state).
/// </summary>
public sealed class RolloutDiagnosisTests
{
    private static readonly string Recorded = Path.Combine(BuildProcess.RepositoryRoot, "tests", "Build.Tests", "Kubernetes", "Recorded");
    private static readonly JsonNode Pods = JsonNode.Parse(File.ReadAllText(Path.Combine(Recorded, "pods.json")))!;
    private static readonly JsonNode Events = JsonNode.Parse(File.ReadAllText(Path.Combine(Recorded, "events.json")))!;
    private static readonly IReadOnlyList<string> CrashLog = File.ReadAllLines(Path.Combine(Recorded, "crash.previous.log"));

    private static readonly HintContext Load = new("minikube", "minikube", "recorded",
        new LoadDelivery(new DeliveryChoice(DeliveryMode.Load, "", null), Build.Tools.ToolEnvironment.Inherited));

    private static DeploymentInfo Deployment(string app) => new(app, new Dictionary<string, string> { ["app"] = app }, [new ContainerSpec(app, "", null)]);

    /// <summary>The diagnosis of one deployment, with the logs it asks for taken from the recording.</summary>
    private static IReadOnlyList<DiagnosisLine> Diagnose(string app, JsonNode? events = null, string? eventsProblem = null)
    {
        var failed = new[] { Deployment(app) };
        var logs = RolloutDiagnosis.LogsWanted(Pods, failed).ToDictionary(p => p, _ => CrashLog);
        return RolloutDiagnosis.Describe(Pods, eventsProblem is null ? events ?? Events : null, eventsProblem, failed, logs, Load);
    }

    private static string Text(IEnumerable<DiagnosisLine> lines) => string.Join("\n", lines.Select(l => l.Text));

    private static string Pod(string app) =>
        Pods["items"]!.AsArray().Select(p => (string)p!["metadata"]!["name"]!).Single(n => n.StartsWith(app + "-", StringComparison.Ordinal));

    [Fact]
    public void A_crash_loop_gives_the_exit_code_the_restarts_the_previous_runs_last_lines_and_the_back_off_warning()
    {
        var lines = Diagnose("crash");

        Assert.Equal(LogLevel.Error, lines[0].Level);
        Assert.StartsWith($"  pod {Pod("crash")}: container crash is CrashLoopBackOff: back-off 2s restarting failed container=crash pod={Pod("crash")}_recorded(", lines[0].Text);
        Assert.EndsWith("(restarted 3 times, last exit code 1)", lines[0].Text);
        Assert.Equal("    The container keeps exiting; its last log lines follow.", lines[1].Text);
        Assert.Equal(["    | config: reading /etc/bot/config.yaml", "    | panic: config missing"], lines.Skip(2).Take(2).Select(l => l.Text));
        Assert.Equal("  Latest warnings:", lines[4].Text);
        Assert.StartsWith($"    BackOff pod/{Pod("crash")}: Back-off restarting failed container crash in pod {Pod("crash")}", lines[5].Text);
    }

    [Theory]
    [InlineData("never", "ErrImageNeverPull: Container image \"rec-missing:1\" is not present with pull policy of Never", "The image is not on the minikube node. Check that it was loaded: minikube -p minikube image ls.")]
    [InlineData("pull", "ImagePullBackOff: Back-off pulling image \"rec-missing:2\": ErrImagePull: Error response from daemon: pull access denied for rec-missing", "imagePullPolicy: IfNotPresent or Never")]
    [InlineData("secret", "CreateContainerConfigError: secret \"bot-env\" not found", "A ConfigMap or Secret the container refers to is missing.")]
    [InlineData("invalid", "InvalidImageName: Failed to apply default image tag \"coinpilot/Bot:v1\": couldn't parse image name", "The image reference cannot be parsed")]
    [InlineData("hang", "ContainerCreating", "The container has not started yet")]
    public void Each_container_that_cannot_start_is_named_with_the_kubelets_words_and_a_hint(string app, string state, string hint)
    {
        var lines = Diagnose(app);

        Assert.Equal(LogLevel.Error, lines[0].Level);
        Assert.StartsWith($"  pod {Pod(app)}: container {app} is {state}", lines[0].Text);
        Assert.Contains(hint, lines[1].Text);
        Assert.DoesNotContain(lines, l => l.Text.StartsWith("    | ", StringComparison.Ordinal)); // no log: it never ran
    }

    [Fact]
    public void An_unschedulable_pod_quotes_the_scheduler()
    {
        var text = Text(Diagnose("unschedulable"));

        Assert.Contains($"  pod {Pod("unschedulable")} is Unschedulable: 0/1 nodes are available: 1 Insufficient cpu.", text);
        Assert.Contains("No node can take the pod: check its resource requests and node selectors.", text);
        Assert.Contains($"FailedScheduling pod/{Pod("unschedulable")}: 0/1 nodes are available: 1 Insufficient cpu.", text);
    }

    [Fact]
    public void Only_containers_that_exited_have_their_logs_read()
    {
        var wanted = RolloutDiagnosis.LogsWanted(Pods, new[] { "crash", "never", "pull", "hang", "secret", "unschedulable", "invalid" }.Select(Deployment).ToList());

        Assert.Equal([(Pod("crash"), "crash")], wanted.Select(p => (p.Pod, p.Container)));
    }

    [Fact]
    public void Warnings_are_only_about_the_failed_deployments_pods()
    {
        var text = Text(Diagnose("secret"));

        Assert.Contains($"Failed pod/{Pod("secret")}: Error: secret \"bot-env\" not found", text);
        Assert.DoesNotContain("crash", text);
        Assert.DoesNotContain("rec-missing", text);
    }

    [Fact]
    public void A_deployment_without_pods_says_so_and_events_that_cannot_be_read_are_a_warning_not_an_error()
    {
        var lines = Diagnose("gone", eventsProblem: "the server did not answer");

        Assert.Equal(new DiagnosisLine(LogLevel.Error, "  deployment/gone: no pods (see the warnings below)"), lines[0]);
        Assert.Equal(new DiagnosisLine(LogLevel.Warning, "Rollout: the events could not be read (the server did not answer)."), lines[^1]);
    }
}
