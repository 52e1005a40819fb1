using System.Text.RegularExpressions;
using Build.Tests.Infrastructure;
using ClusterSim;
using TestSupport;
using Xunit;

namespace Build.Tests.Pipeline;

/// <summary>
/// What unchanged services cost: counted tool processes (a count is deterministic, a time is not) of a redeploy with
/// many services on the simulated cluster. The time goals are the benchmark's (./build.sh --target=Benchmark).
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed partial class ScaleTests
{
    private const int Services = 20;
    private const string Namespace = "scale-ns";

    [SkippableFact]
    public async Task With_twenty_services_a_no_op_makes_at_most_ten_tool_calls_and_a_one_service_change_at_most_nineteen()
    {
        DockerDaemon.Require();
        Requirements.RequireTool("kubectl", "the gcloud SDK's kubectl dispatcher, or any kubectl 1.29-1.33");
        using var root = new TempDirectory("scale");
        var prefix = "cps-" + Guid.NewGuid().ToString("N")[..8];
        var names = Enumerable.Range(1, Services).Select(i => $"svc{i:00}").ToList();
        await using var cluster = await SimulatedCluster.StartAsync(new SimOptions { MinikubeHome = root.Combine("minikube"), PodStartDelay = TimeSpan.FromMilliseconds(100) });
        try
        {
            foreach (var name in names)
            {
                root.WriteFile($"project/{name}/content.txt", $"{name} 1\n");
                root.WriteFile($"project/{name}/Dockerfile", "FROM scratch\nCOPY content.txt /content.txt\n");
                root.WriteFile($"project/k8s/{name}.yaml", KubernetesManifests.Deployment(name, $"{prefix}-{name}:latest", "IfNotPresent", Namespace));
            }

            root.WriteFile("project/k8s/namespace.yaml", KubernetesManifests.Namespace(Namespace));
            var config = root.WriteFile("project/redeploy.json", $$"""
                {
                  "namespace": "{{Namespace}}", "imageDelivery": "load",
                  "manifests": ["k8s/namespace.yaml", {{string.Join(", ", names.Select(n => $"\"k8s/{n}.yaml\""))}}],
                  "services": [ {{string.Join(", ", names.Select(n => $$"""{ "name": "{{n}}", "image": "{{prefix}}-{{n}}", "context": "{{n}}" }"""))}} ]
                }
                """);
            var environment = cluster.ClientEnvironment.ToDictionary(p => p.Key, p => (string?)p.Value);
            environment["HOME"] = root.Combine("home");
            environment["TMPDIR"] = Directory.CreateDirectory(root.Combine("tmp")).FullName;
            environment["DOTNET_CLI_HOME"] = System.Environment.GetEnvironmentVariable("HOME");
            environment["DOCKER_CONFIG"] = null;
            Task<ProcessResult> Run(params string[] arguments) =>
                BuildProcess.RunAsync([$"--config={config}", "--verbosity=diagnostic", .. arguments], environment, TimeSpan.FromMinutes(5));

            var deploy = await Run("--target=Deploy", "--parallel=4");
            Assert.True(deploy.ExitCode == 0, deploy.ToString());

            var noOp = await Run("--target=Redeploy");
            Assert.True(noOp.ExitCode == 0, noOp.ToString());
            File.WriteAllText(root.Combine("project", "svc07", "content.txt"), "svc07 2\n");
            var oneChange = await Run("--target=Redeploy");
            Assert.True(oneChange.ExitCode == 0, oneChange.ToString());

            var noOpCalls = Calls(noOp.StandardOutput);
            var oneChangeCalls = Calls(oneChange.StandardOutput);
            // A bound of "at most" also holds when nothing was counted (say Cake's "Executing:" line changed): every
            // run must have been seen calling each tool, or the counts below mean nothing.
            foreach (var (name, calls) in new[] { ("no-op", noOpCalls), ("one change", oneChangeCalls) })
            {
                // minikube only where it must be: a no-op on the profile's own context needs none (issue 18).
                var expected = name == "no-op" ? new[] { "docker", "kubectl" } : new[] { "docker", "kubectl", "minikube" };
                Assert.True(expected.All(tool => calls.GetValueOrDefault(tool) > 0), $"{name}: {Describe(calls)}");
            }

            Assert.True(noOpCalls.Values.Sum() <= 10, $"no-op: {Describe(noOpCalls)}");
            // Take the lease (created here: Deploy made the namespace, so it had nowhere to keep one), and give it up.
            Assert.Equal(2, Regex.Matches(noOp.StandardOutput, @"Executing: \S*kubectl.* ""?(create|replace)""? ""?--filename=-").Count);
            // Both include the cluster's lock: read the Lease, take it, give it up (kubectl 3).
            // Pruning (issue 19) lists the daemon and the ReplicaSets after a change (the node's list is the load check's): 2 more than issue 18 counted.
            Assert.True(oneChangeCalls.Values.Sum() <= 19, $"one change: {Describe(oneChangeCalls)}");
            Assert.Equal(1, oneChangeCalls.GetValueOrDefault("docker image build"));
            Assert.Single(cluster.MinikubeCalls.Skip(MinikubeCallsBefore(cluster, oneChange)), c => c.Arguments.Contains("load"));
            Assert.Contains("Rollout: deployment/svc07 container svc07:", oneChange.StandardOutput);
            Assert.Equal(Services - 1, Regex.Matches(oneChange.StandardOutput, "already runs .*; not restarted").Count);
        }
        finally
        {
            foreach (var name in names)
            {
                await DockerImages.RemoveRepositoryAsync($"{prefix}-{name}");
            }
        }
    }

    /// <summary>The tool processes a diagnostic-verbosity run started (Cake logs each as "Executing: PATH ARGS"), by tool and, for docker, command.</summary>
    private static Dictionary<string, int> Calls(string output) =>
        ExecutingLine().Matches(output)
            .Select(m => Path.GetFileName(m.Groups["tool"].Value.Trim('"')) is var tool && tool == "docker" && m.Groups["args"].Value.StartsWith("image build", StringComparison.Ordinal)
                ? "docker image build"
                : Path.GetFileName(m.Groups["tool"].Value.Trim('"')))
            .GroupBy(t => t)
            .ToDictionary(g => g.Key, g => g.Count());

    private static string Describe(Dictionary<string, int> calls) =>
        $"{calls.Values.Sum()} calls: " + string.Join(", ", calls.OrderBy(c => c.Key).Select(c => $"{c.Key} {c.Value}"));

    /// <summary>How many minikube calls there were before the run (its calls are the ones after).</summary>
    private static int MinikubeCallsBefore(SimulatedCluster cluster, ProcessResult run) =>
        cluster.MinikubeCalls.Count - Regex.Matches(run.StandardOutput, @"Executing: \S*minikube ").Count;

    [GeneratedRegex(@"Executing: (?<tool>\S+) (?<args>[^\r\n]*)")]
    private static partial Regex ExecutingLine();
}
