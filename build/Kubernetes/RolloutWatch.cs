using System.Diagnostics;
using System.Text.Json.Nodes;
using Build.Infrastructure;
using Build.Tools;
using Cake.Core;

namespace Build.Kubernetes;

/// <summary>Where one deployment's rollout stands: its status as <c>kubectl rollout status</c> judges it, and its new pods.</summary>
public sealed record DeploymentRollout(string Name, RolloutState Status, string? CannotStart, int NewPodsReady, int Wanted)
{
    /// <summary>
    /// Failed as soon as a new pod cannot start (see <see cref="StartVerdict"/>), whatever the status says: also when the
    /// deployment completed with a pod that crashed more often than allowed (it runs now, after a restart).
    /// </summary>
    public RolloutPhase Phase => Status.Phase != RolloutPhase.Failed && CannotStart is not null ? RolloutPhase.Failed : Status.Phase;

    public bool IsFinal => Phase != RolloutPhase.Waiting;

    /// <summary>What the final table adds: why it failed, or what it waits for.</summary>
    public string Detail => Phase switch
    {
        RolloutPhase.Failed => CannotStart ?? (Status.Message.EndsWith("exceeded its progress deadline", StringComparison.Ordinal) ? "progress deadline" : Status.Progress),
        RolloutPhase.Waiting => $"{NewPodsReady} of {Wanted} new pods ready",
        _ => "",
    };

    /// <summary>Why it failed, for the error line: the pod's reason, or kubectl's words without the deployment's name.</summary>
    public string Why => CannotStart ?? Status.Message.Replace($"deployment \"{Name}\" ", "", StringComparison.Ordinal);
}

/// <summary>
/// Follows the rollouts of several deployments with two watches for all of them — one of the namespace's deployments
/// (<c>kubectl get deployments --watch</c>), judged as <c>kubectl rollout status</c> judges them, and one of its pods,
/// whose new pods (those made from the deployments' current templates) end a rollout at once when one of them cannot
/// start — instead of a process per deployment or per pod. The build enforces the deadline itself; each watch also
/// has it as its request timeout (plus a margin), so a watch whose build was killed outright still ends by itself.
/// A watch the server ends early is started again.
/// </summary>
public sealed class RolloutWatch : IDisposable
{
    private static readonly TimeSpan Retry = TimeSpan.FromSeconds(1);

    /// <summary>How long a watch may outlive the deadline when nobody stops it (its build was killed).</summary>
    private static readonly TimeSpan OwnDeadlineMargin = TimeSpan.FromSeconds(5);

    private readonly ICakeContext _context;
    private readonly KubectlSettings _settings;
    private readonly IReadOnlyDictionary<string, DeploymentInfo> _targets;
    private readonly int _allowedRestarts;
    private readonly TimeSpan _timeout;
    private readonly BuildCancellation _cancellation;
    private readonly Action<DeploymentRollout> _onChange;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private readonly AutoResetEvent _changed = new(false);
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<string, JsonNode?> _deployments = [];
    private readonly Dictionary<string, JsonNode> _pods = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DeploymentRollout> _rollouts = [];
    private readonly List<RunningTool> _running = [];
    private readonly List<Task> _loops = [];
    private Exception? _failure;

    public RolloutWatch(ICakeContext context, KubectlSettings settings, IEnumerable<DeploymentInfo> deployments, int allowedRestarts, TimeSpan timeout, BuildCancellation cancellation, Action<DeploymentRollout> onChange)
    {
        _context = context;
        _settings = settings;
        _targets = deployments.DistinctBy(d => d.Name).ToDictionary(d => d.Name);
        _allowedRestarts = allowedRestarts;
        _timeout = timeout;
        _cancellation = cancellation;
        _onChange = onChange;
        foreach (var name in _targets.Keys)
        {
            _rollouts[name] = new DeploymentRollout(name, new RolloutState(RolloutPhase.Waiting, "no status seen yet"), null, 0, 0);
        }
    }

    /// <summary>True once the cluster sent anything.</summary>
    public bool ServerAnswered { get; private set; }

    /// <summary>What the last watch that failed said.</summary>
    public string? LastError { get; private set; }

    public bool TimeIsUp => _clock.Elapsed >= _timeout;

    public IReadOnlyDictionary<string, DeploymentRollout> Rollouts
    {
        get { lock (_gate) return new Dictionary<string, DeploymentRollout>(_rollouts); }
    }

    /// <summary>The pods the watch has seen, as a kubectl pods list.</summary>
    public JsonNode Pods
    {
        get { lock (_gate) return new JsonObject { ["items"] = new JsonArray([.. _pods.Values.Select(p => p.DeepClone())]) }; }
    }

    public void Start()
    {
        _loops.Add(Task.Run(() => Follow("deployments", OnDeployment)));
        _loops.Add(Task.Run(() => Follow("pods", OnPod)));
    }

    /// <summary>
    /// Waits until <paramref name="done"/> holds for the rollouts, the deadline passes, or <paramref name="limit"/> (if
    /// given) passes; returns where they stand. Ctrl-C throws <see cref="BuildCancelledException"/>.
    /// </summary>
    public IReadOnlyDictionary<string, DeploymentRollout> Wait(Func<IReadOnlyDictionary<string, DeploymentRollout>, bool> done, TimeSpan? limit = null)
    {
        var until = limit is { } extra ? Min(_clock.Elapsed + extra, _timeout) : _timeout;
        while (true)
        {
            var rollouts = Rollouts;
            lock (_gate)
            {
                if (_failure is { } failure)
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
                }
            }

            if (done(rollouts) || _clock.Elapsed >= until)
            {
                return rollouts;
            }

            WaitHandle.WaitAny([_changed, _cancellation.Token.WaitHandle], Min(until - _clock.Elapsed, Retry));
            _cancellation.ThrowIfCancellationRequested();
        }
    }

    /// <summary>
    /// True when the watched pods of each named deployment are what it wants: as many as its replicas, all new, each
    /// container reporting its image (a pods watch can lag behind the deployments watch by an event).
    /// </summary>
    public bool PodsSettled(IEnumerable<string> deployments)
    {
        lock (_gate)
        {
            return deployments.All(name =>
            {
                if (_deployments.GetValueOrDefault(name) is not { } deployment)
                {
                    return false;
                }

                var pods = Mine(name, deployment).ToList();
                return pods.Count == Wanted(deployment) && pods.All(pod => StartVerdict.IsNew(pod, deployment) &&
                    pod["status"]?["containerStatuses"]?.AsArray() is { Count: > 0 } statuses &&
                    statuses.All(status => status?["imageID"]?.GetValue<string>() is { Length: > 0 }));
            });
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        List<RunningTool> running;
        lock (_gate)
        {
            running = [.. _running];
        }

        // Outside the lock (a process's output handlers take it); the loop waiting for each process disposes it.
        foreach (var tool in running)
        {
            tool.Kill();
        }

        try
        {
            Task.WaitAll([.. _loops], TimeSpan.FromSeconds(10));
        }
        catch (AggregateException)
        {
            // The loops end by this stop (or a Ctrl-C that killed their kubectl): what they threw then is no news, and
            // must not replace the error the wait ended with.
        }

        _changed.Dispose();
        _stop.Dispose();
    }

    /// <summary>One watch of <paramref name="resource"/>, started again when the server ends it, until stopped or the time is up.</summary>
    private void Follow(string resource, Action<JsonNode> onEvent)
    {
        try
        {
            while (!_stop.IsCancellationRequested && _clock.Elapsed < _timeout)
            {
                var left = _timeout - _clock.Elapsed;
                var stream = new JsonStream(onEvent);
                var watch = new KubectlRunner(_context).Start(
                    _settings.WithDeadline(left, requestTimeout: left + OwnDeadlineMargin),
                    ["get", resource, "--watch", "--output-watch-events", "--output=json"],
                    new ToolRun { OnOutputLine = stream.Add, AllowFailure = true });
                lock (_gate)
                {
                    _running.Add(watch);
                }

                using (watch)
                {
                    try
                    {
                        var result = watch.Wait();
                        if (!result.Succeeded && !_stop.IsCancellationRequested)
                        {
                            LastError = string.Join(" ", result.LastLines(2));
                        }
                    }
                    catch (ToolTimeoutException)
                    {
                        return; // the time is up
                    }
                    finally
                    {
                        lock (_gate)
                        {
                            _running.Remove(watch);
                        }
                    }
                }

                _stop.Token.WaitHandle.WaitOne(Min(Retry, _timeout - _clock.Elapsed)); // the server ended the watch, or refused it: ask again shortly
            }
        }
        catch (Exception failure) when (!_stop.IsCancellationRequested)
        {
            lock (_gate)
            {
                _failure ??= failure; // cancelled (Ctrl-C), or kubectl is missing: Wait throws it
            }

            _changed.Set();
        }
    }

    private void OnDeployment(JsonNode watchEvent)
    {
        ServerAnswered = true;
        var deployment = watchEvent["object"];
        if (deployment?["metadata"]?["name"]?.GetValue<string>() is not { } name || !_targets.ContainsKey(name))
        {
            return;
        }

        lock (_gate)
        {
            _deployments[name] = watchEvent["type"]?.GetValue<string>() == "DELETED" ? null : deployment;
        }

        Judge([name]);
    }

    private void OnPod(JsonNode watchEvent)
    {
        ServerAnswered = true;
        var pod = watchEvent["object"];
        if (pod?["metadata"]?["name"]?.GetValue<string>() is not { } name)
        {
            return;
        }

        lock (_gate)
        {
            if (watchEvent["type"]?.GetValue<string>() == "DELETED")
            {
                _pods.Remove(name);
            }
            else
            {
                _pods[name] = pod;
            }
        }

        Judge(_targets.Values.Where(d => Matches(pod, d.Selector)).Select(d => d.Name));
    }

    /// <summary>Judges the deployments again; a verdict, once final, stays.</summary>
    private void Judge(IEnumerable<string> names)
    {
        var changes = new List<DeploymentRollout>();
        lock (_gate)
        {
            foreach (var name in names)
            {
                if (_rollouts[name].IsFinal || !_deployments.TryGetValue(name, out var deployment))
                {
                    continue;
                }

                var next = deployment is null
                    ? _rollouts[name] with { Status = RolloutState.Gone(name) }
                    : Judge(name, deployment);
                if (next != _rollouts[name])
                {
                    _rollouts[name] = next;
                    changes.Add(next);
                }
            }
        }

        foreach (var change in changes)
        {
            _onChange(change);
        }

        if (changes.Count > 0)
        {
            _changed.Set();
        }
    }

    private DeploymentRollout Judge(string name, JsonNode deployment)
    {
        var fresh = Mine(name, deployment).Where(p => StartVerdict.IsNew(p, deployment)).ToList();
        var status = RolloutState.Of(deployment);
        if (status.Phase == RolloutPhase.Complete && Wanted(deployment) > 0 && !fresh.Any(IsReady))
        {
            // The pods watch is a separate stream and may lag: judge a complete rollout only once it shows a new pod
            // ready, so a pod that crashed before it became ready is seen (the next pod event judges it again).
            status = status with { Phase = RolloutPhase.Waiting };
        }

        return new DeploymentRollout(
            name,
            status,
            fresh.Select(p => StartVerdict.CannotStart(p, _allowedRestarts)).FirstOrDefault(v => v is not null),
            fresh.Count(IsReady),
            Wanted(deployment));
    }

    /// <summary>The deployment's pods that are not being deleted.</summary>
    private IEnumerable<JsonNode> Mine(string name, JsonNode deployment) =>
        _pods.Values.Where(p => p["metadata"]?["deletionTimestamp"] is null && Matches(p, _targets[name].Selector));

    private static int Wanted(JsonNode deployment) => (int?)deployment["spec"]?["replicas"]?.GetValue<long>() ?? 1;

    private static bool IsReady(JsonNode pod) =>
        pod["status"]?["conditions"]?.AsArray().Any(c => c?["type"]?.GetValue<string>() == "Ready" && c["status"]?.GetValue<string>() == "True") ?? false;

    private static bool Matches(JsonNode pod, IReadOnlyDictionary<string, string> selector) =>
        selector.Count > 0 && selector.All(label => pod["metadata"]?["labels"]?[label.Key]?.GetValue<string>() == label.Value);

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? (a < TimeSpan.Zero ? TimeSpan.Zero : a) : b;
}
