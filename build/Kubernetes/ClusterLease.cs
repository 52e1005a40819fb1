using Build.Infrastructure;
using Build.Tools;
using Cake.Core;

namespace Build.Kubernetes;

/// <summary>How an attempt to take the cluster's lock ended.</summary>
public enum LeaseAttempt
{
    /// <summary>The Lease is ours.</summary>
    Taken,

    /// <summary>Another run holds it and renews it.</summary>
    Held,

    /// <summary>The namespace does not exist (yet): there is nowhere to keep a Lease.</summary>
    NoNamespace,
}

/// <summary>
/// The cluster's redeploy lock while this run holds it (<see cref="RedeployLease"/> says what it is): a loop renews
/// it every third of its duration, each renewal a kubectl call with its own deadline, and <see cref="Dispose"/>
/// gives it up. A renewal that fails is tried again at the next tick; one refused with a Conflict means another run
/// took the lease (this one's renewals failed for its whole duration): that is said once, and renewing stops.
/// </summary>
public sealed class ClusterLease : IDisposable
{
    private readonly ICakeContext _context;
    private readonly Func<TimeSpan, KubectlSettings> _kubectl;
    private readonly string _namespace;
    private readonly string _holder;
    private readonly TimeSpan _duration;
    private readonly DateTimeOffset _acquired;
    private readonly int _transitions;
    private readonly Action<string> _warn;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new(); // renewals and the release, one at a time
    private readonly Task _renewals;
    private string? _resourceVersion;

    private ClusterLease(ICakeContext context, Func<TimeSpan, KubectlSettings> kubectl, string @namespace, string holder, TimeSpan duration,
        LeaseRecord taken, Action<string> warn)
    {
        _context = context;
        _kubectl = kubectl;
        _namespace = @namespace;
        _holder = holder;
        _duration = duration;
        _acquired = taken.AcquireTime ?? DateTimeOffset.UtcNow;
        _transitions = taken.Transitions;
        _resourceVersion = taken.ResourceVersion;
        _warn = warn;
        _renewals = Task.Run(RenewUntilStoppedAsync);
    }

    /// <summary>The lease as this run last wrote it.</summary>
    public string Holder => _holder;

    /// <summary>
    /// Tries once to take the lease: reads it, then creates it or replaces the free or expired one with the version
    /// just read. Another run that is faster makes it read again (a few times). Returns <see cref="LeaseAttempt.Held"/>
    /// with the lease in the way. Tool failures (an unreachable cluster, a forbidden call) are thrown to the caller.
    /// </summary>
    public static (LeaseAttempt Attempt, ClusterLease? Lease, LeaseRecord? InTheWay) TryAcquire(
        ICakeContext context, Func<TimeSpan, KubectlSettings> kubectl, string @namespace, LockHolder me, TimeSpan duration, Action<string> warn)
    {
        var holder = me.Describe();
        for (var race = 0; ; race++)
        {
            var now = DateTimeOffset.UtcNow;
            var current = context.KubectlGetJson(kubectl(Deadlines.Preflight), "lease", RedeployLease.Name) is { } json ? LeaseRecord.Parse(json) : null;
            if (current is not null && current.IsHeldAt(now))
            {
                return (LeaseAttempt.Held, null, current);
            }

            var transitions = current is null ? 0 : current.Transitions + (current.Holder is null ? 0 : 1);
            var manifest = RedeployLease.Manifest(@namespace, holder, duration, now, now, transitions, current?.ResourceVersion);
            var result = Write(context, kubectl(Deadlines.Preflight), current is null ? "create" : "replace", manifest);
            if (result.Succeeded)
            {
                var written = LeaseRecord.Parse(System.Text.Json.Nodes.JsonNode.Parse(result.OutputText)!);
                return (LeaseAttempt.Taken, new ClusterLease(context, kubectl, @namespace, holder, duration, written, warn), null);
            }

            if (current is null && KubectlErrors.IsNotFound(result))
            {
                return (LeaseAttempt.NoNamespace, null, null); // "namespaces "x" not found": the lease itself cannot be missing on create
            }

            if (race >= 3 || !(KubectlErrors.IsConflict(result) || KubectlErrors.IsAlreadyExists(result)))
            {
                throw new ToolFailedException(result, 4);
            }
        }
    }

    /// <summary>
    /// Stops renewing and gives the lease up (an empty holder), unless another run has it by now, after a Ctrl-C too.
    /// It waits for neither a renewal the cluster is slow to answer nor more than <see cref="Deadlines.LeaseRelease"/>
    /// for the release: the lease then expires by itself, which is said. Never throws.
    /// </summary>
    public void Dispose()
    {
        _stop.Cancel();
        bool stopped;
        try
        {
            stopped = _renewals.Wait(TimeSpan.FromMilliseconds(500));
        }
        catch (AggregateException)
        {
            stopped = true; // a renewal that failed in a way not retried (a Ctrl-C killed its kubectl)
        }

        if (!stopped)
        {
            // A renewal is still waiting for the cluster; the loop stops after it.
            Warn("the cluster is slow to answer its renewal");
            return;
        }

        lock (_gate)
        {
            if (_resourceVersion is { } version && Release(version) is { } problem)
            {
                Warn(problem);
            }

            _resourceVersion = null;
        }
    }

    private void Warn(string problem) =>
        _warn($"ClusterLock: could not give up the Lease {RedeployLease.Name} ({problem}); it is free {KubectlRunner.Seconds(_duration)} after its last renewal.");

    /// <summary>Writes the lease with no holder; what kept it from that, or null.</summary>
    private string? Release(string version)
    {
        try
        {
            using var cleanup = BuildCancellation.Cleanup();
            var result = Write(_context, _kubectl(Deadlines.LeaseRelease), "replace",
                RedeployLease.Manifest(_namespace, null, _duration, _acquired, DateTimeOffset.UtcNow, _transitions, version));
            if (KubectlErrors.IsConflict(result) && StillOurs(Deadlines.LeaseRelease) is { } current)
            {
                // A renewal that a Ctrl-C stopped may still have reached the server: the lease is ours, newer.
                result = Write(_context, _kubectl(Deadlines.LeaseRelease), "replace",
                    RedeployLease.Manifest(_namespace, null, _duration, _acquired, DateTimeOffset.UtcNow, _transitions, current));
            }

            return result.Succeeded || KubectlErrors.IsConflict(result) ? null : string.Join(" ", result.LastLines(1));
        }
        catch (Exception exception)
        {
            return exception.Message; // a hung or missing kubectl: the lease expires by itself
        }
    }

    private async Task RenewUntilStoppedAsync()
    {
        var every = RedeployLease.RenewEvery(_duration);
        while (true)
        {
            try
            {
                await Task.Delay(every, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            lock (_gate)
            {
                if (_stop.IsCancellationRequested || _resourceVersion is null)
                {
                    return;
                }

                Renew(every);
            }
        }
    }

    private void Renew(TimeSpan deadline)
    {
        try
        {
            var result = Write(_context, _kubectl(deadline), "replace",
                RedeployLease.Manifest(_namespace, _holder, _duration, _acquired, DateTimeOffset.UtcNow, _transitions, _resourceVersion));
            if (result.Succeeded)
            {
                _resourceVersion = LeaseRecord.Parse(System.Text.Json.Nodes.JsonNode.Parse(result.OutputText)!).ResourceVersion;
            }
            else if (KubectlErrors.IsConflict(result) && StillOurs(deadline) is { } version)
            {
                // An earlier renewal whose kubectl ran out of time still reached the server: the lease is ours, newer.
                _resourceVersion = version;
            }
            else if (KubectlErrors.IsConflict(result) || KubectlErrors.IsNotFound(result))
            {
                _resourceVersion = null;
                _warn($"ClusterLock: lost the Lease {RedeployLease.Name}: it was not renewed for {KubectlRunner.Seconds(_duration)} and another run may hold it now.");
            }
        }
        catch (Exception exception) when (exception is ToolTimeoutException or ToolNotFoundException or ToolFailedException or FormatException)
        {
            // Tried again at the next tick; the lease lasts three of them.
        }
    }

    /// <summary>The lease's version when it still names this run (read again after a Conflict), else null.</summary>
    private string? StillOurs(TimeSpan deadline)
    {
        var json = _context.KubectlGetJson(_kubectl(deadline), "lease", RedeployLease.Name);
        return json is not null && LeaseRecord.Parse(json) is { } current && current.Holder == _holder ? current.ResourceVersion : null;
    }

    /// <summary><c>kubectl create|replace --filename=- --output=json</c> with the Lease on standard input.</summary>
    private static ToolResult Write(ICakeContext context, KubectlSettings settings, string verb, string manifest) =>
        new KubectlRunner(context).Run(settings, [verb, "--filename=-", "--output=json"], new ToolRun { StandardInput = manifest, AllowFailure = true });
}
