using System.Text.Json.Nodes;
using Build.Configuration;
using Build.Docker;
using Build.Infrastructure;
using Build.Kubernetes;
using Xunit;

namespace Build.Tests.Kubernetes;

/// <summary>Which deployments a rollout changes, and how, decided from plain values.</summary>
public sealed class RolloutPlanTests
{
    private static readonly BuiltImage Bot = new(
        new ServiceConfig("bot", "coinpilot-bot", "", "", "bot", "bot"), ImageId.Parse(new string('a', 64)), TimeSpan.Zero);

    private static Dictionary<string, DeploymentInfo> Deployments(string image, string? initImage = null) => new()
    {
        ["bot"] = DeploymentInfo.Parse(JsonNode.Parse($$"""
            {
              "metadata": { "name": "bot" },
              "spec": { "selector": { "matchLabels": { "app": "bot" } }, "template": { "spec": {
                "initContainers": [ { "name": "migrate", "image": "{{initImage ?? "busybox:1"}}" } ],
                "containers": [ { "name": "bot", "image": "{{image}}" }, { "name": "proxy", "image": "envoy:1" } ] } } }
            }
            """)!),
    };

    private static RolloutStep Plan(Dictionary<string, DeploymentInfo> deployments, bool applied = false, bool force = false) =>
        Assert.Single(RolloutPlan.For([Bot], deployments, applied ? new HashSet<string> { "bot" } : [], force, "redeploy.json"));

    [Fact]
    public void A_deployment_on_another_tag_gets_the_built_one()
    {
        var step = Plan(Deployments("coinpilot-bot:id-0000000000000000"));

        Assert.Equal(RolloutAction.SetImage, step.Action);
        Assert.Equal(["bot"], step.Containers);
        Assert.Equal("coinpilot-bot:id-0000000000000000", step.CurrentImage);
    }

    [Fact]
    public void An_init_container_that_runs_the_services_image_gets_the_built_tag_too()
    {
        var step = Plan(Deployments(Bot.Reference, initImage: "docker.io/library/coinpilot-bot:latest"));

        Assert.Equal(RolloutAction.SetImage, step.Action);
        Assert.Equal(["migrate", "bot"], step.Containers);
    }

    [Fact]
    public void A_deployment_that_runs_the_built_image_is_unchanged_unless_just_applied_or_forced()
    {
        Assert.Equal(RolloutAction.Unchanged, Plan(Deployments(Bot.Reference)).Action);
        Assert.Equal(RolloutAction.Applied, Plan(Deployments(Bot.Reference), applied: true).Action);
        Assert.Equal(RolloutAction.Restart, Plan(Deployments(Bot.Reference), force: true).Action);
    }

    [Fact]
    public void A_missing_deployment_or_container_is_a_clear_error()
    {
        Assert.Contains("Deployment bot (service bot) does not exist", Assert.Throws<PipelineException>(() => Plan([])).Message);

        var other = new BuiltImage(Bot.Service with { Container = "worker" }, Bot.Id, TimeSpan.Zero);
        var error = Assert.Throws<PipelineException>(() => RolloutPlan.For([other], Deployments("x"), new HashSet<string>(), false, "/repo/redeploy.json"));
        Assert.Equal("Deployment bot has no container named worker (it has bot, proxy); set \"container\" for service bot in redeploy.json.", error.Message);
    }
}
