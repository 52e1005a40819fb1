using System.Text.Json.Nodes;
using Build.Delivery;
using Build.Kubernetes;
using Xunit;

namespace Build.Tests.Kubernetes;

/// <summary>Diagnosis in the manner of Skaffold: per pod, why it does not run and what to do.</summary>
public sealed class PodReportTests
{
    private static JsonNode Pods(params string[] pods) => JsonNode.Parse($$"""{ "kind": "PodList", "items": [{{string.Join(",", pods)}}] }""")!;

    private static string Pod(string name, string status, string metadata = "") => $$"""
        { "metadata": { "name": "{{name}}"{{metadata}} }, "status": {{status}} }
        """;

    [Fact]
    public void A_crash_loop_reports_the_reason_restarts_and_last_exit_code_and_wants_logs()
    {
        var problem = Assert.Single(PodReport.FindProblems(Pods(Pod("bot-1", """
            { "containerStatuses": [ { "name": "bot", "restartCount": 3,
                "state": { "waiting": { "reason": "CrashLoopBackOff", "message": "back-off 40s restarting failed container=bot pod=bot-1" } },
                "lastState": { "terminated": { "exitCode": 2, "reason": "Error" } } } ] }
            """))));

        Assert.Equal("pod bot-1: container bot is CrashLoopBackOff: back-off 40s restarting failed container=bot pod=bot-1 (restarted 3 times, last exit code 2)", problem.Describe());
        Assert.True(problem.WantsLogs);
        Assert.Contains("last log lines follow", problem.Hint(new HintContext("minikube", "minikube", "ns", null)));
    }

    [Theory]
    [InlineData("ErrImageNeverPull", "minikube -p dev image ls")]
    [InlineData("ImagePullBackOff", "imagePullPolicy: IfNotPresent or Never")]
    [InlineData("ErrImagePull", "imagePullPolicy: IfNotPresent or Never")]
    [InlineData("CreateContainerConfigError", "ConfigMap or Secret")]
    public void Image_and_config_problems_come_with_a_hint(string reason, string hint)
    {
        var problem = Assert.Single(PodReport.FindProblems(Pods(Pod("bot-1", $$"""
            { "containerStatuses": [ { "name": "bot", "restartCount": 0, "state": { "waiting": { "reason": "{{reason}}", "message": "m" } } } ] }
            """))));

        Assert.Equal(reason, problem.Reason);
        Assert.Contains(hint, problem.Hint(new HintContext("dev", "dev", "ns", null)));
        Assert.False(problem.WantsLogs);
    }

    [Fact]
    public void Running_starting_and_terminating_pods_are_not_problems()
    {
        var problems = PodReport.FindProblems(Pods(
            Pod("ok", """{ "containerStatuses": [ { "name": "bot", "state": { "running": {} } } ] }"""),
            Pod("starting", """{ "containerStatuses": [ { "name": "bot", "state": { "waiting": { "reason": "ContainerCreating" } } } ] }"""),
            Pod("old", """{ "containerStatuses": [ { "name": "bot", "state": { "waiting": { "reason": "CrashLoopBackOff" } } } ] }""", ", \"deletionTimestamp\": \"2026-11-26T00:00:00Z\"")));

        Assert.Empty(problems);
    }

    [Fact]
    public void An_unschedulable_pod_says_why()
    {
        var problem = Assert.Single(PodReport.FindProblems(Pods(Pod("bot-1", """
            { "conditions": [ { "type": "PodScheduled", "status": "False", "reason": "Unschedulable", "message": "0/1 nodes are available: 1 Insufficient memory." } ] }
            """))));

        Assert.Equal("pod bot-1 is Unschedulable: 0/1 nodes are available: 1 Insufficient memory.", problem.Describe());
    }

    [Fact]
    public void Latest_warnings_are_the_newest_warning_events_about_the_given_objects_oldest_first()
    {
        var events = JsonNode.Parse("""
            { "items": [
              { "type": "Warning", "reason": "BackOff", "message": "Back-off restarting failed container", "count": 4,
                "lastTimestamp": "2026-11-26T10:00:03Z", "involvedObject": { "kind": "Pod", "name": "bot-1" } },
              { "type": "Normal", "reason": "Pulled", "message": "ok", "lastTimestamp": "2026-11-26T10:00:04Z", "involvedObject": { "kind": "Pod", "name": "bot-1" } },
              { "type": "Warning", "reason": "Failed", "message": "Error: ErrImageNeverPull", "count": 1,
                "lastTimestamp": "2026-11-26T10:00:01Z", "involvedObject": { "kind": "Pod", "name": "web-1" } },
              { "type": "Warning", "reason": "BackOff", "message": "another deployment's pod", "count": 1,
                "lastTimestamp": "2026-11-26T10:00:02Z", "involvedObject": { "kind": "Pod", "name": "bot-worker-1" } }
            ] }
            """)!;

        Assert.Equal(
            ["Failed pod/web-1: Error: ErrImageNeverPull", "BackOff pod/bot-1: Back-off restarting failed container (x4)"],
            PodReport.LatestWarnings(events, new HashSet<string> { "bot-1", "web-1" }, 5));
    }

    [Fact]
    public void Pods_not_running_the_built_image_are_listed_with_what_they_run()
    {
        var pods = Pods(
            Pod("new", """{ "containerStatuses": [ { "name": "bot", "imageID": "docker://sha256:aaa111" } ] }"""),
            Pod("stale", """{ "containerStatuses": [ { "name": "bot", "imageID": "docker://sha256:bbb222" } ] }"""),
            Pod("gone", """{ "containerStatuses": [ { "name": "bot", "imageID": "docker://sha256:bbb222" } ] }""", ", \"deletionTimestamp\": \"x\""));

        Assert.Equal(["stale: docker://sha256:bbb222"], PodReport.PodsNotRunning(pods, "bot", imageId => imageId == "docker://sha256:aaa111"));
        Assert.Equal(2, PodReport.CountPods(pods));
    }

    [Theory]
    [InlineData("bot:latest", null, "Always")]
    [InlineData("bot", null, "Always")]
    [InlineData("bot:id-1", null, "IfNotPresent")]
    [InlineData("localhost:5000/bot", null, "Always")]
    [InlineData("bot:latest", "IfNotPresent", "IfNotPresent")]
    [InlineData("bot@sha256:abc", null, "IfNotPresent")]
    public void The_effective_pull_policy_follows_the_kubelet_default(string image, string? policy, string expected)
    {
        Assert.Equal(expected, new ContainerSpec("bot", image, policy).EffectivePullPolicy);
    }

    [Theory]
    [InlineData("Error response from daemon: Head \"http://127.0.0.1:5000/v2/team/bot/manifests/id-1\": no basic auth credentials", "The cluster cannot log in to 127.0.0.1:5000: give it a pull secret. kubectl --context=shared-dev --namespace=ns create secret docker-registry regcred --docker-server=127.0.0.1:5000 --docker-username=NAME --docker-password=PASSWORD, then kubectl --context=shared-dev --namespace=ns patch serviceaccount default -p '{\"imagePullSecrets\":[{\"name\":\"regcred\"}]}' (or list it under imagePullSecrets in the deployment).")]
    [InlineData("Error response from daemon: unauthorized: authentication required", "The cluster cannot log in to 127.0.0.1:5000")]
    [InlineData("Error response from daemon: manifest for 127.0.0.1:5000/team/bot:id-1 not found: manifest unknown: manifest unknown", "127.0.0.1:5000 does not have this image: the push did not arrive or was deleted.")]
    public void A_registry_pull_failure_is_explained_from_the_kubelets_words(string message, string hint)
    {
        var problem = Assert.Single(PodReport.FindProblems(Pods(Pod("bot-1", $$"""
            { "containerStatuses": [ { "name": "bot", "restartCount": 0, "state": { "waiting": { "reason": "ErrImagePull", "message": {{System.Text.Json.JsonSerializer.Serialize(message)}} } } } ] }
            """))));
        var delivery = new RegistryDelivery(new DeliveryChoice(DeliveryMode.Registry, "", Build.Registry.RegistryAddress.Parse("127.0.0.1:5000/team", "--registry")), Build.Tools.ToolEnvironment.Inherited);

        Assert.Contains(hint, problem.Hint(new HintContext("minikube", "shared-dev", "ns", delivery)));
    }

    [Fact]
    public void A_container_still_being_created_counts_only_when_asked_for()
    {
        var pods = Pods(Pod("bot-1", """{ "containerStatuses": [ { "name": "bot", "restartCount": 0, "state": { "waiting": { "reason": "ContainerCreating" } } } ] }"""));

        Assert.Empty(PodReport.FindProblems(pods));
        Assert.Equal("ContainerCreating", Assert.Single(PodReport.FindProblems(pods, includeStarting: true)).Reason);
    }
}
