using System.Text.RegularExpressions;
using Build.Tests.Infrastructure;
using Build.Tests.Pipeline;
using ClusterSim;
using TestSupport;
using Xunit;

namespace Build.Tests.Delivery;

/// <summary>
/// The dry run's plan and the run choose the same delivery, for every target that delivers (or builds) on every kind
/// of cluster: the decision is made in one place, from the same answers.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed partial class PlanAgreesWithRunTests
{
    /// <summary>Deploy first: the later targets need the deployments.</summary>
    private static readonly string[] Targets = ["Deploy", "Redeploy", "ImageDelivery", "DockerBuild", "MinikubeImageLoad"];

    public static TheoryData<string> Kinds => ["docker runtime, node without a daemon", "docker runtime, node daemon", "containerd", "two nodes", "none driver", "registry"];

    [SkippableTheory]
    [MemberData(nameof(Kinds))]
    public async Task The_plan_and_the_run_choose_the_same_delivery(string kind)
    {
        var (workspace, registry, environment) = await StartAsync(kind);
        await using var _ = workspace;
        await using var __ = registry;
        string[] extra = registry is null ? [] : ["--allow-context=shared-dev"];

        foreach (var target in Targets)
        {
            var plan = await BuildProcess.RunAsync([$"--config={workspace.ConfigFile}", $"--target={target}", "--dryrun", .. extra], environment);
            var run = await BuildProcess.RunAsync([$"--config={workspace.ConfigFile}", $"--target={target}", .. extra], environment);

            var planned = PlanLine().Match(plan.StandardOutput);
            var done = RunLine().Match(run.StandardOutput);
            Assert.True(planned.Success, $"{kind}, {target}: no plan line\n{plan}");
            Assert.True(done.Success, $"{kind}, {target}: no run line\n{run}");
            Assert.Equal((done.Groups["mode"].Value, done.Groups["why"].Value), (planned.Groups["mode"].Value, planned.Groups["why"].Value));
            Assert.True(run.ExitCode == 0, $"{kind}, {target}:\n{run}");
        }
    }

    private static async Task<(PipelineWorkspace Workspace, PrivateRegistry? Registry, Dictionary<string, string?> Environment)> StartAsync(string kind)
    {
        if (kind == "registry")
        {
            var (remote, registry) = await DeliveryTests.RemoteAsync(pullSecret: true);
            return (remote, registry, DeliveryTests.WithLogin(remote, registry));
        }

        if (kind == "docker runtime, node daemon")
        {
            Requirements.Require(SimulatedCluster.DockerDaemonProblem is null, SimulatedCluster.DockerDaemonProblem ?? "");
        }

        var workspace = await PipelineWorkspace.StartAsync(o => kind switch
        {
            "docker runtime, node daemon" => o with { NodeRuntime = NodeRuntime.DockerDaemon },
            "containerd" => o with { ContainerRuntime = "containerd" },
            "two nodes" => o with { Nodes = 2 },
            "none driver" => o with { Driver = "none" },
            _ => o,
        });
        workspace.WriteConfig(imageDelivery: "auto");
        return (workspace, null, workspace.Environment);
    }

    [GeneratedRegex(@"ImageDelivery: would use (?<mode>[\w -]+?): (?<why>.+?)( \(tags .*\))?\.\r?$", RegexOptions.Multiline)]
    private static partial Regex PlanLine();

    [GeneratedRegex(@"^ImageDelivery: (?<mode>[\w -]+?): (?<why>.+)\.\r?$", RegexOptions.Multiline)]
    private static partial Regex RunLine();
}
