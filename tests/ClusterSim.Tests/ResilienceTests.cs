using Xunit;

namespace ClusterSim.Tests;

/// <summary>What a client sees when the cluster is stopped or its API server hangs.</summary>
public sealed class ResilienceTests
{
    [SkippableFact]
    public async Task A_hanging_api_server_fails_kubectl_at_its_request_timeout()
    {
        await using var cluster = await TestCluster.StartAsync();
        await cluster.KubectlOkAsync("get", "deployments");

        cluster.Sim.HangRequests(true);
        var hung = await cluster.KubectlAsync(TimeSpan.FromSeconds(40), "get", "deployments", "--request-timeout=2s");
        Assert.NotEqual(0, hung.ExitCode);
        Assert.Contains("Unable to connect to the server", hung.StandardError);
        Assert.DoesNotContain("[test] killed", hung.StandardError);
        Assert.True(hung.Elapsed < TimeSpan.FromSeconds(15), $"kubectl needed {hung.Elapsed}: {hung}");

        cluster.Sim.HangRequests(false);
        await cluster.KubectlOkAsync("get", "deployments");
    }

    [SkippableFact]
    public async Task A_stopped_profile_refuses_connections_and_a_started_one_serves_the_same_objects()
    {
        await using var cluster = await TestCluster.StartAsync();
        await cluster.ApplyDeploymentAsync("keep", "keep:1");

        await cluster.Sim.SetProfileStateAsync(ProfileState.Stopped);
        var refused = await cluster.KubectlAsync("get", "deployments", "--request-timeout=5s");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains($"The connection to the server {new Uri(cluster.Sim.ServerUrl).Authority} was refused", refused.StandardError);

        await cluster.Sim.SetProfileStateAsync(ProfileState.Running);
        Assert.Contains("keep", await cluster.KubectlOkAsync("get", "deployments"));
    }
}
