using Build.Tests.Infrastructure;
using TestSupport;
using Xunit;

namespace Build.Tests.Pipeline;

/// <summary>The benchmark runs end to end (tiny images, one round). It asserts what happened, never how fast.</summary>
[Collection(PipelineCollection.Name)]
public sealed class BenchmarkTests
{
    [SkippableFact]
    public async Task The_benchmark_compares_all_three_cases_and_shows_the_naive_sequence_falling_into_the_latest_trap()
    {
        DockerDaemon.Require();
        Requirements.RequireTool("kubectl", "the gcloud SDK's kubectl dispatcher, or any kubectl 1.29-1.33");
        var benchmark = Path.Combine(AppContext.BaseDirectory, "Redeploy.Benchmark.dll");

        var run = await ProcessRunner.RunAsync(
            "dotnet", [benchmark, "--build-dll", BuildProcess.BuildDll, "--rounds", "1", "--blob-mb", "1", "--only", "compare"], timeout: TimeSpan.FromMinutes(5));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Case                 Redeploy  Naive", run.StandardOutput);
        Assert.Matches(@"first redeploy\s+[\d.]+s\s+[\d.]+s\s+[\d.]+x\s+1/2\s+2/2\s+2/2\s+yes/yes\s+\d+ MB", run.StandardOutput);
        Assert.Matches(@"nothing changed\s+[\d.]+s\s+[\d.]+s\s+[\d.]+x\s+0/2\s+0/0\s+0/2\s+yes/yes", run.StandardOutput);
        Assert.Matches(@"one service changed\s+[\d.]+s\s+[\d.]+s\s+[\d.]+x\s+1/2\s+1/0\s+1/2\s+yes/no", run.StandardOutput);
    }

    [SkippableFact]
    public async Task The_sweep_counts_the_same_calls_at_every_size_and_the_delivery_section_times_each_mode()
    {
        DockerDaemon.Require();
        Requirements.RequireTool("kubectl", "the gcloud SDK's kubectl dispatcher, or any kubectl 1.29-1.33");
        Requirements.Require(ClusterSim.SimulatedCluster.DockerDaemonProblem is null, ClusterSim.SimulatedCluster.DockerDaemonProblem ?? "");
        Requirements.RequireTool("docker-registry", "Debian's docker-registry, for registry delivery");
        Requirements.RequireTool("htpasswd", "apache2-utils, for the registry's login");
        var benchmark = Path.Combine(AppContext.BaseDirectory, "Redeploy.Benchmark.dll");

        var run = await ProcessRunner.RunAsync(
            "dotnet", [benchmark, "--build-dll", BuildProcess.BuildDll, "--rounds", "1", "--blob-mb", "1", "--only", "sweep,delivery", "--sweep", "2,4"],
            timeout: TimeSpan.FromMinutes(6));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches(@"\n2\s+[\d.]+s \([\d.-]+\)\s+3/5/0 \(8\)\s+1\.00x\s+[\d.]+s \([\d.-]+\)\s+8/9/2 \(19\)", run.StandardOutput);
        Assert.Matches(@"\n4\s+[\d.]+s \([\d.-]+\)\s+3/5/0 \(8\)", run.StandardOutput);
        // Every mode measured: a mode whose component is missing is left out of the table with "not measured".
        Assert.DoesNotContain("not measured", run.StandardOutput);
        Assert.Matches(@"Case\s+load\s+docker-env\s+registry\s+docker-env / load\s+registry / load", run.StandardOutput);
        Assert.Matches(@"first redeploy\s+[\d.]+s\s+[\d.]+s\s+[\d.]+s\s+[\d.]+x\s+[\d.]+x", run.StandardOutput);
        Assert.Matches(@"one service changed\s+[\d.]+s\s+[\d.]+s\s+[\d.]+s\s+[\d.]+x\s+[\d.]+x", run.StandardOutput);
    }
}
