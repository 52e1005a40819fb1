using Xunit;

namespace ClusterSim.Tests;

/// <summary>
/// MinikubeLatency.Real: each `minikube` call of the wrapper lasts what the real one takes on the docker driver. It runs
/// alone (after the parallel tests), since on two busy cores a .NET process start alone can exceed the figures.
/// </summary>
[Collection(nameof(LatencyTests))]
public sealed class LatencyTests
{
    [SkippableFact]
    public async Task Under_the_real_profile_each_call_lasts_what_the_real_minikube_takes()
    {
        await using var images = TestImages.Create("latency");
        await using var cluster = await TestCluster.StartAsync(o => o with { MinikubeLatency = MinikubeLatency.Real });
        await images.BuildAsync("v1", "small");

        async Task<TimeSpan> TimeAsync(int exitCode, params string[] args)
        {
            var result = await cluster.MinikubeAsync(args);
            Assert.True(result.ExitCode == exitCode, result.ToString());
            return result.Elapsed;
        }

        AssertAbout(0.3, await TimeAsync(0, "status"));
        AssertAbout(0.5, await TimeAsync(0, "profile", "list", "-o", "json"));
        AssertAbout(0.1, await TimeAsync(0, "profile", "list", "-o", "json", "--light"));
        AssertAbout(0.8, await TimeAsync(0, "image", "ls"));
        AssertAbout(0.4, await TimeAsync(50, "docker-env"));
        var load = await TimeAsync(0, "image", "load", "--daemon", $"{images.Repository}:v1");
        Assert.True(load >= TimeSpan.FromSeconds(1), $"image load took {load}");
        AssertAbout(0.05, await TimeAsync(0, "version", "--short"));

        await cluster.Sim.SetProfileStateAsync(ProfileState.Stopped);
        AssertAbout(0.15, await TimeAsync(7, "status"));
        Assert.All(cluster.Sim.MinikubeCalls.Where(c => c.Arguments[0] == "image"), c => Assert.True(c.Duration >= TimeSpan.FromMilliseconds(700), c.ToString()));
    }

    /// <summary>
    /// At least the real figure (less the 10 ms granularity of a process's start time), and not much more on a busy
    /// two-core machine. The fast default is what every other test runs with.
    /// </summary>
    private static void AssertAbout(double seconds, TimeSpan took) =>
        Assert.True(took >= TimeSpan.FromSeconds(seconds - 0.02) && took < TimeSpan.FromSeconds(seconds + 1.5), $"expected about {seconds}s, took {took.TotalSeconds:0.000}s");
}

[CollectionDefinition(nameof(LatencyTests), DisableParallelization = true)]
public sealed class LatencyCollection;
