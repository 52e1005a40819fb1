using System.Text.Json.Nodes;
using Build.Kubernetes;
using Build.Tests.Infrastructure;
using Xunit;

namespace Build.Tests.Kubernetes;

/// <summary>Which new pods can no longer start, from what kubectl printed (Recorded/pods.json, one deployment per state) and a few hand-made statuses.</summary>
public sealed class StartVerdictTests
{
    private static readonly JsonNode Pods = JsonNode.Parse(File.ReadAllText(Path.Combine(BuildProcess.RepositoryRoot, "tests", "Build.Tests", "Kubernetes", "Recorded", "pods.json")))!;

    private static JsonNode Recorded(string app) => Pods["items"]!.AsArray().OfType<JsonNode>().Single(p => (string?)p["metadata"]!["labels"]!["app"] == app);

    private static JsonNode Status(string containerStatus) => JsonNode.Parse($$"""{ "status": { "containerStatuses": [ {{containerStatus}} ] } }""")!;

    [Theory]
    [InlineData("never", "ErrImageNeverPull")]
    [InlineData("secret", "CreateContainerConfigError: secret \"bot-env\" not found")]
    [InlineData("invalid", "InvalidImageName")]
    [InlineData("pull", "ImagePullBackOff: denied")]
    [InlineData("crash", "CrashLoopBackOff (exit 1, 3 restarts)")]
    public void A_pod_that_cannot_start_is_a_verdict_with_its_reason(string app, string verdict)
    {
        Assert.Equal(verdict, StartVerdict.CannotStart(Recorded(app), allowedRestarts: 2));
    }

    [Theory]
    [InlineData("hang")]          // still being created
    [InlineData("unschedulable")] // capacity can free up
    [InlineData("once")]          // failed once, now runs
    public void A_pod_that_may_still_start_is_waited_for(string app)
    {
        Assert.Null(StartVerdict.CannotStart(Recorded(app), allowedRestarts: 2));
    }

    [Fact]
    public void The_allowance_is_the_restarts_after_which_the_next_crash_is_the_verdict()
    {
        Assert.Null(StartVerdict.CannotStart(Recorded("crash"), allowedRestarts: 4));
        Assert.Equal("CrashLoopBackOff (exit 1, 1 restart)", StartVerdict.CannotStart(Recorded("once"), allowedRestarts: 0));
        var firstExit = Status("""{ "name": "bot", "restartCount": 0, "state": { "terminated": { "exitCode": 3, "reason": "Error" } } }""");
        Assert.Equal("Error (exit 3, 0 restarts)", StartVerdict.CannotStart(firstExit, allowedRestarts: 0));
        Assert.Null(StartVerdict.CannotStart(firstExit, allowedRestarts: 1));
    }

    [Fact]
    public void A_pull_that_failed_for_a_passing_reason_is_waited_for()
    {
        var refused = Status("""
            { "name": "bot", "restartCount": 0, "state": { "waiting": { "reason": "ErrImagePull",
              "message": "Error response from daemon: Get \"http://127.0.0.1:5000/v2/\": dial tcp 127.0.0.1:5000: connect: connection refused" } } }
            """);

        Assert.Null(StartVerdict.CannotStart(refused, allowedRestarts: 2));
    }

    [Fact]
    public void A_new_pod_runs_the_templates_images_and_has_its_restart_stamp()
    {
        var deployment = JsonNode.Parse("""
            { "spec": { "template": { "metadata": { "annotations": { "kubectl.kubernetes.io/restartedAt": "2026-12-02T10:00:00Z" } },
              "spec": { "containers": [ { "name": "bot", "image": "bot:id-2" } ] } } } }
            """)!;
        JsonNode Pod(string image, string? restartedAt) => JsonNode.Parse($$"""
            { "metadata": { "annotations": {{(restartedAt is null ? "{}" : $$"""{ "kubectl.kubernetes.io/restartedAt": "{{restartedAt}}" }""")}} },
              "spec": { "containers": [ { "name": "bot", "image": "{{image}}" } ] } }
            """)!;

        Assert.True(StartVerdict.IsNew(Pod("bot:id-2", "2026-12-02T10:00:00Z"), deployment));
        Assert.False(StartVerdict.IsNew(Pod("bot:id-1", "2026-12-02T10:00:00Z"), deployment)); // being replaced
        Assert.False(StartVerdict.IsNew(Pod("bot:id-2", null), deployment));                    // from before the restart
    }
}
