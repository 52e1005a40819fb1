using System.Diagnostics;
using Build.Infrastructure;
using Build.Kubernetes;
using Build.Tools;
using Cake.Core.Diagnostics;
using Cake.Frosting;

namespace Build.Tasks;

/// <summary>
/// One run at a time per cluster and namespace, whoever and wherever it runs from: first the machine's lock file
/// (no tool call; it also covers a namespace that does not exist yet), then the cluster's Lease in the namespace,
/// which names its holder and is renewed until Teardown gives it up. When the cluster cannot be asked, Preflight
/// (next) says why in its own words, and stops the run if the cluster answers it but the lock was not taken.
/// </summary>
[TaskName(nameof(ClusterLock))]
[IsDependentOn(typeof(CredsFallback))]
[TaskDescription("Makes sure only one redeploy at a time works on the cluster's namespace, from any machine: a Lease in the namespace naming its holder (another run is refused, or waited for with --lock-timeout).")]
[UsesServicesFile]
[TaskArguments(ArgumentNames.LockTimeout, ArgumentNames.LockLease)]
public sealed class ClusterLock : FrostingTask<BuildContext>, IPlannedTask
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);

    public override void Run(BuildContext context)
    {
        var config = context.Config;
        var path = RedeployLock.FileFor(RedeployLock.DirectoryIn(context.Host), config.KubeContext, config.Namespace);
        var me = LockHolder.Me(context.Intent.Target);
        var wait = context.Settings.LockTimeout;
        var clock = Stopwatch.StartNew();
        var announced = false;
        while (true)
        {
            string? inTheWay;
            LockHolder? local = null;
            if (context.Lock is null && RedeployLock.TryAcquire(path, me, out local) is { } acquired)
            {
                context.Lock = acquired;
                context.Log.Verbose("ClusterLock: holding {0}", path);
            }

            if (context.Lock is null)
            {
                inTheWay = $"another redeploy ({local?.Describe() ?? "a process that did not say who it is"}) is working on namespace {config.Namespace} of context {config.KubeContext}";
            }
            else
            {
                // A run that changes nothing in the cluster (DockerBuild alone) needs no Lease and no cluster to ask.
                var done = true;
                inTheWay = context.Intent.ChangesCluster ? TryLease(context, me, out done) : null;
                if (done)
                {
                    if (announced)
                    {
                        context.Log.Information("ClusterLock: the lock is this run's after {0:0.0}s.", clock.Elapsed.TotalSeconds);
                    }

                    return;
                }
            }

            if (clock.Elapsed >= wait)
            {
                throw new BuildInputException(wait == TimeSpan.Zero
                    ? $"Not started: {inTheWay}. Wait for it to finish, or pass --{ArgumentNames.LockTimeout}=5m to wait for it."
                    : $"Not started: {inTheWay}; still after {wait.TotalSeconds:0}s.");
            }

            if (!announced)
            {
                context.Log.Information("ClusterLock: {0}; waiting for it (up to {1:0}s).", inTheWay, wait.TotalSeconds);
                announced = true;
            }

            if (context.Cancellation.Token.WaitHandle.WaitOne(Poll))
            {
                context.Cancellation.ThrowIfCancellationRequested();
            }
        }
    }

    /// <summary>One attempt at the Lease; <paramref name="done"/> when the run may go on, else who is in the way.</summary>
    private static string? TryLease(BuildContext context, LockHolder me, out bool done)
    {
        var config = context.Config;
        done = true;
        try
        {
            var (attempt, lease, held) = ClusterLease.TryAcquire(context, deadline => context.Kubectl(deadline, deadline < 2 * Deadlines.PreflightRequest ? deadline / 2 : Deadlines.PreflightRequest), config.Namespace, me,
                context.Settings.LockLease, warning => context.LogText(warning, LogLevel.Warning));
            switch (attempt)
            {
                case LeaseAttempt.Taken:
                    context.Lease = lease;
                    context.Log.Verbose("ClusterLock: holding Lease {0} in namespace {1} ({2}, renewed every {3})", RedeployLease.Name, config.Namespace,
                        KubectlRunner.Seconds(context.Settings.LockLease), KubectlRunner.Seconds(RedeployLease.RenewEvery(context.Settings.LockLease)));
                    return null;
                case LeaseAttempt.NoNamespace:
                    context.Log.Verbose("ClusterLock: namespace {0} does not exist, so only this machine's lock holds the run.", config.Namespace);
                    return null;
                default:
                    done = false;
                    return $"another redeploy ({held!.Holder}) holds the lock of namespace {config.Namespace} of context {config.KubeContext} " +
                        $"({RedeployLease.Describe(held, DateTimeOffset.UtcNow)})";
            }
        }
        catch (Exception failure) when (failure is ToolFailedException or ToolTimeoutException or ToolNotFoundException or FormatException)
        {
            context.LeaseProblem = failure; // Preflight words it, with what else is wrong with the cluster
            context.Log.Verbose("ClusterLock: could not take the Lease: {0}", failure.Message);
            return null;
        }
    }

    public IEnumerable<string> DescribePlan(BuildContext context)
    {
        yield return $"ClusterLock: one run at a time for namespace {context.Config.Namespace} of context {context.Config.KubeContext}, from any machine " +
            $"(a Lease lasting {KubectlRunner.Seconds(context.Settings.LockLease)} from each renewal; " +
            (context.Settings.LockTimeout == TimeSpan.Zero ? "another run is refused)." : $"waits up to {KubectlRunner.Seconds(context.Settings.LockTimeout)} for another run).");
    }
}
