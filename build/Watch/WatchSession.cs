using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Build.Configuration;
using Build.Docker;
using Build.Infrastructure;
using Build.Kubernetes;
using Build.Tasks;
using Build.Tools;
using Cake.Core;
using Cake.Core.Diagnostics;

namespace Build.Watch;

/// <summary>
/// The inner loop after the first Redeploy: waits for a change to what an image is built from, then runs the same
/// task bodies Redeploy runs (DockerBuild, MinikubeImageLoad, ApplyManifests when a manifest changed, Rollout) for the
/// services whose input digest changed, in this process: the tool environment, the docker config session, the lock
/// and the delivery choice stay. A failure is reported and the session goes on; Ctrl-C ends it.
/// </summary>
/// <summary>What the Watch task read from its arguments: the quiet period, polling (null: native events), and whether to follow logs.</summary>
public sealed record WatchOptions(TimeSpan Debounce, TimeSpan? Poll, bool FollowLogs);

public sealed class WatchSession(BuildContext context, WatchOptions options)
{
    /// <summary>How often a cluster that stopped answering is asked again.</summary>
    private static readonly TimeSpan ClusterRetry = TimeSpan.FromSeconds(2);

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Dictionary<string, string?> _digests = new(StringComparer.Ordinal);
    private readonly Dictionary<string, BuiltImage> _images = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _rolled = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _failed = new(StringComparer.Ordinal);
    private readonly HashSet<string> _retry = new(StringComparer.Ordinal);
    private RedeployConfig _config = context.Config;
    private int _iterations;
    private bool _clusterAway;

    private string Root => context.Environment.WorkingDirectory.FullPath;

    /// <summary>When the run is a Watch, a failure of a task of its first Redeploy is reported and the session still starts.</summary>
    public static void ContinueIfWatching(BuildContext context, string task, Exception exception)
    {
        if (context.Intent.Target != nameof(Tasks.Watch) || !IsIterationFailure(exception))
        {
            ExceptionDispatchInfo.Throw(exception);
        }

        context.LogText($"{task}: {exception.Message}", LogLevel.Error);
    }

    public async Task RunAsync()
    {
        var sources = new WatchedSources(_config);
        using var events = FileEvents.Start(sources.Roots, options.Poll, line => context.LogText(line, LogLevel.Warning));
        var followLogs = options.FollowLogs;
        if (followLogs)
        {
            context.LogFollowers ??= new PodLogFollowers(context, Colour);
        }

        Remember(context.BuiltImages, wholeLog: false);
        EndIteration(); // the first Redeploy's table
        FinishPruning(); // the first Redeploy's pruning
        foreach (var service in _config.Services)
        {
            _digests[service.Name] = Digest(service);
        }

        context.LogText($"Watch: watching {string.Join(", ", _config.Services.Select(s => s.Name))} ({events.Mode}, {Millis(options.Debounce)} quiet before a redeploy); Ctrl-C ends.");
        try
        {
            while (true)
            {
                var paths = events.WaitForQuiet(options.Debounce, context.Cancellation.Token, _clusterAway ? ClusterRetry : null);
                context.Cancellation.ThrowIfCancellationRequested();
                if (paths is null)
                {
                    if (ClusterIsBack() && ToRedeploy(SourceChange.None) is { Count: > 0 } retry)
                    {
                        await IterateAsync(retry, SourceChange.None, Stopwatch.StartNew());
                    }

                    continue;
                }

                var started = Stopwatch.StartNew();
                var change = sources.Classify(paths, Root);
                if (change.ServicesFile && Reload() is { } reloaded)
                {
                    sources = new WatchedSources(_config = reloaded);
                    events.Rewatch(sources.Roots);
                    change = sources.Classify(paths, Root) with { ServicesFile = true };
                }

                var services = ToRedeploy(change);
                if (services.Count == 0 && change.Manifests.Count == 0)
                {
                    continue;
                }

                await IterateAsync(services, change, started);
            }
        }
        catch (Exception exception) when (exception is BuildCancelledException or OperationCanceledException || context.Cancellation.IsCancellationRequested)
        {
            // After Ctrl-C any failure is the cancellation's (a task body's wait ends in an AggregateException of it).
            context.LogText("");
            context.LogText(Summary());
            context.Cancellation.ThrowIfCancellationRequested();
            throw;
        }
    }

    private bool Colour => Progress.IsInteractive(context.GitHub.IsRunningOnGitHubActions || context.Host.Ci) && !context.Host.NoColor;

    /// <summary>The services to redeploy: those a changed path belongs to whose input digest changed, in the file's order, and those left to retry.</summary>
    private List<ServiceConfig> ToRedeploy(SourceChange change)
    {
        var result = new List<ServiceConfig>();
        foreach (var service in _config.Services)
        {
            var retry = _retry.Remove(service.Name);
            var reloaded = change.ServicesFile && !_digests.ContainsKey(service.Name);
            if (!change.Services.TryGetValue(service.Name, out var paths) && !retry && !change.ServicesFile)
            {
                continue;
            }

            var digest = Digest(service);
            var same = digest is not null && _digests.GetValueOrDefault(service.Name) == digest;
            if (same && !retry && !reloaded)
            {
                if (paths is not null)
                {
                    context.Log.Verbose("Watch: {0}: {1} saved, but no byte it builds from changed: not rebuilt.", service.Name, string.Join(", ", paths.Take(3)));
                }

                continue;
            }

            _digests[service.Name] = digest;
            result.Add(service);
            context.LogText(paths is not null ? SourceChange.Why(service.Name, paths)
                : retry ? $"{service.Name}: redeployed again (its last iteration did not reach the cluster)"
                : $"{service.Name}: its entry in {Path.GetFileName(_config.FilePath)} changed");
        }

        foreach (var manifest in change.Manifests)
        {
            context.LogText($"{manifest} changed: applied again");
        }

        return result;
    }

    private async Task IterateAsync(IReadOnlyList<ServiceConfig> services, SourceChange change, Stopwatch started)
    {
        _iterations++;
        context.StartIteration(_config with { Services = services });
        var failures = new List<string>();
        var podsBefore = new Dictionary<string, IReadOnlyList<string>?>(StringComparer.Ordinal);
        try
        {
            if (services.Count > 0)
            {
                await Step(nameof(DockerBuild), failures, () => new DockerBuild().RunAsync(context));
                if (context.BuiltImages.Count > 0)
                {
                    await Step(nameof(MinikubeImageLoad), failures, () => Run(new MinikubeImageLoad().Run));
                }
            }

            var built = context.BuiltImages.ToList();
            foreach (var image in built)
            {
                _images[image.Service.Name] = image;
            }

            if (change.Manifests.Count > 0)
            {
                // As Deploy: every service's image set to its tag, so applying changes nothing else.
                context.BuiltImages.AddRange(_images.Values.Where(i => built.All(b => b.Service.Name != i.Service.Name)).Select(i => i with { Reused = true }));
            }

            // A reused image may keep its pods (a manifest applied again, an image the deployment already runs): their
            // followers go on, so their lines are not printed again as new. Only images built now surely get new pods.
            foreach (var image in context.BuiltImages.Where(i => i.Reused))
            {
                podsBefore[image.Service.Name] = PodsRunning(image);
            }

            if (change.Manifests.Count > 0)
            {
                await Step(nameof(ApplyManifests), failures, () => Run(new ApplyManifests().Run));
            }

            if (context.BuiltImages.Count > 0)
            {
                await Step(nameof(Rollout), failures, () => Run(new Rollout().Run));
            }
        }
        finally
        {
            Remember(context.BuiltImages.Where(i => context.Report.For(i.Service.Name).Rollout.State == RolloutResult.RolledOut && !SamePods(i, podsBefore)), wholeLog: true);
            foreach (var report in services.Select(s => context.Report.For(s.Name)))
            {
                if (report.Rollout.State == RolloutResult.RolledOut)
                {
                    _rolled[report.Service] = _rolled.GetValueOrDefault(report.Service) + 1;
                }
                else if (failures.Count > 0)
                {
                    _failed[report.Service] = _failed.GetValueOrDefault(report.Service) + 1;
                }
            }
        }

        if (failures.Count > 0 && !ClusterAnswers())
        {
            _clusterAway = true;
            _retry.UnionWith(services.Select(s => s.Name));
            context.LogText($"Watch: the cluster does not answer; waiting for it (asking every {ClusterRetry.TotalSeconds:0}s), then {string.Join(", ", services.Select(s => s.Name))} is redeployed again.", LogLevel.Warning);
        }

        if (failures.Count == 0)
        {
            new PruneImages().Run(context); // as after a Redeploy: this iteration's old images go, under the session's lock
        }

        EndIteration();
        FinishPruning(); // before the next iteration can build: a reused old image is never removed under it
        context.LogText(failures.Count == 0
            ? $"Watch: iteration {_iterations} done in {started.Elapsed.TotalSeconds:0.0}s; watching for changes."
            : $"Watch: iteration {_iterations} failed ({string.Join("; ", failures)}); the cluster keeps what the table says. Watching for the next change.");
    }

    /// <summary>Runs one task body; its failure is reported (once, by the task or here) and recorded, and the iteration goes on.</summary>
    private async Task Step(string task, List<string> failures, Func<Task> body)
    {
        try
        {
            await body();
        }
        catch (Exception exception) when (IsIterationFailure(exception) && !context.Cancellation.IsCancellationRequested)
        {
            context.LogText($"{task}: {exception.Message}", LogLevel.Error);
            failures.Add($"{task} failed");
        }
    }

    private Task Run(Action<BuildContext> body)
    {
        body(context);
        return Task.CompletedTask;
    }

    private static bool IsIterationFailure(Exception exception) =>
        exception is PipelineException or BuildInputException or CakeException or ToolFailedException or ToolTimeoutException or ToolNotFoundException
            or IOException;

    /// <summary>Remembers the images now running, and follows the logs of their pods.</summary>
    private void Remember(IEnumerable<BuiltImage> images, bool wholeLog)
    {
        var deployments = context.Cluster?.Deployments;
        foreach (var image in images)
        {
            _images[image.Service.Name] = image;
            var selector = deployments?.GetValueOrDefault(image.Service.Deployment)?.SelectorText;
            context.LogFollowers?.Follow(image.Service.Name, selector ?? SelectorOf(image.Service), image.Service.Container, image.Reference, wholeLog);
        }
    }

    /// <summary>Whether the pods that run the image are the ones that ran it before the iteration (then they are followed already).</summary>
    private bool SamePods(BuiltImage image, Dictionary<string, IReadOnlyList<string>?> before) =>
        before.TryGetValue(image.Service.Name, out var was) && was is { Count: > 0 } && PodsRunning(image) is { } now && now.SequenceEqual(was, StringComparer.Ordinal);

    /// <summary>The names of the pods that run the image now, sorted; null when the cluster did not say.</summary>
    private IReadOnlyList<string>? PodsRunning(BuiltImage image)
    {
        try
        {
            var selector = context.Cluster?.Deployments.GetValueOrDefault(image.Service.Deployment)?.SelectorText ?? SelectorOf(image.Service);
            var pods = context.KubectlGetJson(context.Kubectl(Deadlines.Quick), "pods", selector: selector);
            return PodLogFollowers.RunningImage(pods, image.Service.Container, image.Reference).Order(StringComparer.Ordinal).ToList();
        }
        catch (Exception exception) when (IsIterationFailure(exception))
        {
            return null;
        }
    }

    private string SelectorOf(ServiceConfig service)
    {
        try
        {
            return context.KubectlGetDeployments(context.Kubectl(Deadlines.Quick)).GetValueOrDefault(service.Deployment)?.SelectorText ?? $"app={service.Name}";
        }
        catch (Exception exception) when (IsIterationFailure(exception))
        {
            return $"app={service.Name}";
        }
    }

    /// <summary>Waits for the pruning an iteration started (its own short deadline) and says what it did, after the table.</summary>
    private void FinishPruning()
    {
        context.Pruning?.Finish(context);
        context.Pruning = null;
    }

    /// <summary>Prints the iteration's table (as Redeploy prints it) and starts a fresh report, so Teardown does not print it again.</summary>
    private void EndIteration()
    {
        if (!context.Report.IsEmpty)
        {
            context.LogText("");
            context.LogTable(context.Report.ToTable());
        }

        context.StartIteration(_config);
    }

    /// <summary>The services file again; a mistake in it, or a change to what the session holds, is reported and the previous file stays.</summary>
    private RedeployConfig? Reload()
    {
        RedeployConfig reloaded;
        try
        {
            reloaded = RedeployConfig.Load(_config.FilePath).WithOverrides(context.Settings);
        }
        catch (BuildInputException exception)
        {
            context.LogText($"Watch: {exception.Message} The previous services file stays in force.", LogLevel.Error);
            return null;
        }

        var held = new[]
        {
            ("namespace", _config.Namespace, reloaded.Namespace), ("kubeContext", _config.KubeContext, reloaded.KubeContext),
            ("minikubeProfile", _config.MinikubeProfile, reloaded.MinikubeProfile), ("imageDelivery", _config.ImageDelivery.ToString(), reloaded.ImageDelivery.ToString()),
            ("registry", _config.Registry?.ToString(), reloaded.Registry?.ToString()),
        }.Where(f => f.Item2 != f.Item3).Select(f => f.Item1).ToList();
        if (held.Count > 0)
        {
            context.LogText($"Watch: {Path.GetFileName(_config.FilePath)} changes {string.Join(", ", held)}, which this session holds (lock, delivery); restart Watch to use it. The previous services file stays in force.", LogLevel.Error);
            return null;
        }

        context.LogText($"Watch: {Path.GetFileName(_config.FilePath)} reloaded: {string.Join(", ", reloaded.Services.Select(s => s.Name))}.");
        foreach (var service in reloaded.Services.Where(s => !_config.Services.Any(previous => SameEntry(previous, s))))
        {
            _digests.Remove(service.Name); // a new or changed entry: redeployed
        }

        return reloaded;
    }

    /// <summary>Whether two entries of the services file say the same; the record's own equality compares BuildArgs by reference, so a reload would find every entry changed.</summary>
    private static bool SameEntry(ServiceConfig a, ServiceConfig b) =>
        a with { BuildArgs = b.BuildArgs } == b && a.BuildOptions().SequenceEqual(b.BuildOptions(), StringComparer.Ordinal);

    private static string? Digest(ServiceConfig service) =>
        BuildInputs.ReadDockerfile(service) is { } dockerfile ? BuildInputs.Content(service, dockerfile)?.Hash : null;

    private bool ClusterAnswers()
    {
        try
        {
            context.KubectlGetDeployments(context.Kubectl(Deadlines.Preflight, Deadlines.PreflightRequest));
            return true;
        }
        catch (Exception exception) when (exception is ToolFailedException or ToolTimeoutException)
        {
            return false;
        }
    }

    private bool ClusterIsBack()
    {
        if (!ClusterAnswers())
        {
            return false;
        }

        _clusterAway = false;
        context.LogText($"Watch: the cluster answers again; redeploying {string.Join(", ", _retry)}.");
        return true;
    }

    private string Summary()
    {
        var rolled = _rolled.Count == 0 ? "nothing rolled out" : "rolled out " + string.Join(", ", _rolled.Select(r => r.Value == 1 ? r.Key : $"{r.Key} ({r.Value}x)"));
        var failed = _failed.Count == 0 ? "" : "; failed: " + string.Join(", ", _failed.Select(r => r.Value == 1 ? r.Key : $"{r.Key} ({r.Value}x)"));
        return $"Watch: ended after {_clock.Elapsed.TotalMinutes:0}m{_clock.Elapsed.Seconds:00}s: {_iterations} iteration(s), {rolled}{failed}.";
    }

    private static string Millis(TimeSpan span) => $"{span.TotalMilliseconds:0}ms";
}
