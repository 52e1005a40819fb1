using System.Text.Json.Nodes;
using TestSupport;
using Xunit;

namespace ClusterSim.Tests;

/// <summary>
/// One simulated cluster for one test: its own state directory, port and kubectl cache, and helpers that run
/// the real kubectl and the `minikube` wrapper against it. Disposing stops it and fails the test if a controller threw.
/// </summary>
internal sealed class TestCluster : IAsyncDisposable
{
    private readonly TempDirectory directory;

    private TestCluster(TempDirectory directory, SimulatedCluster sim)
    {
        this.directory = directory;
        Sim = sim;
    }

    public SimulatedCluster Sim { get; }

    /// <summary>Starts a cluster; the test is skipped (failed in CI) without kubectl.</summary>
    public static Task<TestCluster> StartAsync(string profile = "minikube", string minor = "32") =>
        StartAsync(options => options with { Profile = profile, KubernetesMinor = minor });

    /// <summary>
    /// Starts a cluster with options of the test's choosing (MinikubeHome is the test's own). A cluster with
    /// <see cref="NodeRuntime.DockerDaemon"/> is skipped (failed in CI) where a dockerd cannot run.
    /// </summary>
    public static async Task<TestCluster> StartAsync(Func<SimOptions, SimOptions> configure)
    {
        Requirements.RequireTool("kubectl", "the gcloud SDK's kubectl dispatcher, or any kubectl 1.27-1.33");
        var directory = new TempDirectory("clustersim");
        var options = configure(new SimOptions { MinikubeHome = directory.Combine("minikube-home") });
        if (options.NodeRuntime == NodeRuntime.DockerDaemon)
        {
            Requirements.Require(SimulatedCluster.DockerDaemonProblem is null, SimulatedCluster.DockerDaemonProblem ?? "");
        }

        try
        {
            return new TestCluster(directory, await SimulatedCluster.StartAsync(options));
        }
        catch
        {
            directory.Dispose();
            throw;
        }
    }

    public IReadOnlyDictionary<string, string?> Environment => Sim.ClientEnvironment.ToDictionary(p => p.Key, p => (string?)p.Value);

    public Task<ProcessResult> KubectlAsync(params string[] args) => KubectlAsync(TimeSpan.FromSeconds(60), args);

    public Task<ProcessResult> KubectlAsync(TimeSpan timeout, params string[] args) =>
        ProcessRunner.RunAsync("kubectl", args, Environment, directory.Path, timeout);

    /// <summary>Runs kubectl with <paramref name="input"/> on its standard input (`-f -`).</summary>
    public Task<ProcessResult> KubectlWithInputAsync(string input, params string[] args) =>
        ProcessRunner.RunAsync("kubectl", args, Environment, directory.Path, TimeSpan.FromSeconds(60), standardInput: input);

    /// <summary>Starts kubectl and returns while it runs (logs -f, get --watch); disposing kills it.</summary>
    public BackgroundProcess KubectlInBackground(params string[] args) => new("kubectl", args, Environment, directory.Path);

    /// <summary>Runs kubectl and fails the test unless it exits 0.</summary>
    public async Task<string> KubectlOkAsync(params string[] args)
    {
        var result = await KubectlAsync(args);
        Assert.True(result.ExitCode == 0, $"kubectl {string.Join(' ', args)} failed: {result}");
        return result.StandardOutput;
    }

    public async Task<JsonObject> KubectlJsonAsync(params string[] args) =>
        JsonNode.Parse(await KubectlOkAsync([.. args, "-o", "json"])) as JsonObject ?? throw new InvalidOperationException("not a JSON object");

    public Task<ProcessResult> MinikubeAsync(params string[] args) => MinikubeAsync(new Dictionary<string, string?>(), args);

    /// <summary>Runs the minikube wrapper with extra environment entries (null removes a variable).</summary>
    public Task<ProcessResult> MinikubeAsync(IReadOnlyDictionary<string, string?> extra, params string[] args)
    {
        var environment = Environment.ToDictionary();
        foreach (var (name, value) in extra)
        {
            environment[name] = value;
        }

        return ProcessRunner.RunAsync(Path.Combine(Sim.BinDirectory, "minikube"), args, environment, directory.Path, TimeSpan.FromSeconds(120));
    }

    /// <summary>Runs the real docker CLI against the node's dockerd (the environment `minikube docker-env` prints).</summary>
    public Task<ProcessResult> NodeDockerAsync(params string[] args)
    {
        var environment = Environment.ToDictionary();
        foreach (var (name, value) in Sim.NodeDockerEnvironment)
        {
            environment[name] = value;
        }

        return ProcessRunner.RunAsync("docker", args, environment, directory.Path, TimeSpan.FromMinutes(2));
    }

    /// <summary>Writes a manifest into the test directory and returns its path.</summary>
    public string Manifest(string name, string yaml) => directory.WriteFile(name, yaml);

    /// <summary>Applies a one-container Deployment and returns the manifest path.</summary>
    public async Task<string> ApplyDeploymentAsync(string name, string image, string? pullPolicy = "IfNotPresent", string ns = "default", int? progressDeadlineSeconds = null)
    {
        var path = Manifest($"{name}-{ns}.yaml", Deployment(name, image, pullPolicy, ns, progressDeadlineSeconds));
        await KubectlOkAsync("apply", "-f", path);
        return path;
    }

    public static string Deployment(string name, string image, string? pullPolicy, string ns = "default", int? progressDeadlineSeconds = null) =>
        KubernetesManifests.Deployment(name, image, pullPolicy, ns, progressDeadlineSeconds);

    /// <summary>The pods of a deployment that are not being deleted.</summary>
    public IReadOnlyList<JsonObject> LivePods(string app, string ns = "default") =>
        Sim.GetPods(ns, $"app={app}").Where(p => p["metadata"]?["deletionTimestamp"] is null).ToList();

    public static string? ContainerField(JsonObject pod, params string[] path)
    {
        JsonNode? node = pod["status"]?["containerStatuses"]?[0];
        foreach (var part in path)
        {
            node = node?[part];
        }

        return node?.GetValue<object>()?.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        var errors = Sim.ControllerErrors;
        await Sim.DisposeAsync();
        directory.Dispose();
        Assert.True(errors.Count == 0, "the simulation's controllers threw:\n" + string.Join("\n", errors));
    }
}
