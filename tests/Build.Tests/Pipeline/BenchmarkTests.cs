using Build.Tests.Infrastructure;
using TestSupport;
using Xunit;

namespace Build.Tests.Pipeline;

/// <summary>The benchmark runs end to end (tiny images, one round). It asserts what happened, never how fast.</summary>
[Collection(PipelineCollection.Name)]
public sealed class BenchmarkTests
{
    [SkippableFact]
    public async Task The_benchmark_compares_all_three_cases_under_both_minikube_latencies_against_a_baseline_and_shows_the_naive_sequence_falling_into_the_latest_trap()
    {
        DockerDaemon.Require();
        Requirements.RequireTool("kubectl", "the gcloud SDK's kubectl dispatcher, or any kubectl 1.29-1.33");
        var benchmark = Path.Combine(AppContext.BaseDirectory, "Redeploy.Benchmark.dll");

        // The same build as its own baseline: the second build's column, ratio and goal line are printed (what they say is not checked).
        var run = await ProcessRunner.RunAsync(
            "dotnet", [benchmark, "--build-dll", BuildProcess.BuildDll, "--rounds", "1", "--blob-mb", "1", "--only", "compare", $"--bench-baseline={BuildProcess.BuildDll}"],
            timeout: TimeSpan.FromMinutes(8));

        Assert.True(run.ExitCode == 0, run.ToString());
        var output = run.StandardOutput;
        var fast = output.IndexOf("fast minikube latency", StringComparison.Ordinal);
        var real = output.IndexOf("real minikube latency", StringComparison.Ordinal);
        Assert.True(fast >= 0 && real > fast, output);
        foreach (var section in new[] { output[fast..real], output[real..] })
        {
            Assert.Contains("Case                 Redeploy  Naive", section);
            Assert.Matches(@"first redeploy\s+[\d.]+s\s+[\d.]+s\s+[\d.]+x\s+1/2\s+2/2\s+2/2\s+yes/yes\s+\d+ MB\s+\d+/\d+/2\s+[\d.]+s\s+[\d.]+x\s+yes", section);
            // A no-op: no image loaded, at most one minikube call (issue 18's budget), ours and the baseline's.
            Assert.Matches(@"nothing changed\s+[\d.]+s\s+[\d.]+s\s+[\d.]+x\s+0/2\s+0/0\s+0/2\s+yes/yes\s+\d+ MB\s+[01]/[01]/2\s+[\d.]+s\s+[\d.]+x\s+yes", section);
            Assert.Matches(@"one service changed\s+[\d.]+s\s+[\d.]+s\s+[\d.]+x\s+1/2\s+1/0\s+1/2\s+yes/no\s+\d+ MB\s+\d+/\d+/2\s+[\d.]+s\s+[\d.]+x\s+yes", section);
            Assert.Matches(@"redeploy one service changed\s+\d+ call\(s\), [\d.]+s: .*image load --daemon IMAGE", section);
            Assert.Matches(@"redeploy one service changed\s+.*MinikubeImageLoad [\d.]+s", section);
        }

        Assert.Contains("Fast latency (issue 18: must not get worse): nothing changed ", output[fast..real]);
        Assert.Matches(@"Goal under the real latency \(issue 18\): nothing changed [\d.]+x the baseline \(at most 0\.7x: (yes|no)\); one service changed [\d.]+x the baseline \(at most 0\.8x: (yes|no)\)", output[real..]);
        // The real profile is in effect: an image load lasts at least its 1 s there.
        var load = System.Text.RegularExpressions.Regex.Match(output[real..], @"redeploy one service changed .*image load --daemon IMAGE ([\d.]+)s");
        Assert.True(load.Success && double.Parse(load.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 1.0, output[real..]);
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
        // The same calls at both sizes (how many is the build's business: ScaleTests and MinikubeCallsTests count them).
        var row = @"\s+[\d.]+s \([\d.-]+\)\s+(\d+/\d+/\d+ \(\d+\))\s+[\d.]+x\s+[\d.]+s \([\d.-]+\)\s+(\d+/\d+/\d+ \(\d+\))";
        var two = System.Text.RegularExpressions.Regex.Match(run.StandardOutput, @"\n2" + row);
        var four = System.Text.RegularExpressions.Regex.Match(run.StandardOutput, @"\n4" + row);
        Assert.True(two.Success && four.Success, run.StandardOutput);
        Assert.Matches(@"\n2\s+[\d.]+s \([\d.-]+\)\s+\S+ \(\d+\)\s+1\.00x", run.StandardOutput);
        Assert.Equal((two.Groups[1].Value, two.Groups[2].Value), (four.Groups[1].Value, four.Groups[2].Value));
        // Every mode measured: a mode whose component is missing is left out of the table with "not measured".
        Assert.DoesNotContain("not measured", run.StandardOutput);
        Assert.Matches(@"Case\s+load\s+docker-env\s+registry\s+docker-env / load\s+registry / load", run.StandardOutput);
        Assert.Matches(@"first redeploy\s+[\d.]+s\s+[\d.]+s\s+[\d.]+s\s+[\d.]+x\s+[\d.]+x", run.StandardOutput);
        Assert.Matches(@"one service changed\s+[\d.]+s\s+[\d.]+s\s+[\d.]+s\s+[\d.]+x\s+[\d.]+x", run.StandardOutput);
    }
}
