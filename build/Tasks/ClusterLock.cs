using System.Diagnostics;
using Build.Infrastructure;
using Cake.Core.Diagnostics;
using Cake.Frosting;

namespace Build.Tasks;

[TaskName(nameof(ClusterLock))]
[IsDependentOn(typeof(CredsFallback))]
[TaskDescription("Makes sure only one redeploy at a time works on the kube context and namespace (another run is refused, or waited for with --lock-timeout).")]
[UsesServicesFile]
[TaskArguments(ArgumentNames.LockTimeout)]
public sealed class ClusterLock : FrostingTask<BuildContext>, IPlannedTask
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    public override void Run(BuildContext context)
    {
        var config = context.Config;
        var path = RedeployLock.FileFor(RedeployLock.DirectoryIn(context.Host), config.KubeContext, config.Namespace);
        var command = "./build.sh " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1).Where(a => !a.StartsWith("--config=", StringComparison.Ordinal)));
        var wait = context.Settings.LockTimeout;
        var clock = Stopwatch.StartNew();
        var announced = false;
        while (true)
        {
            if (RedeployLock.TryAcquire(path, command, out var holder) is { } acquired)
            {
                context.Lock = acquired;
                context.Log.Verbose("ClusterLock: holding {0}", path);
                return;
            }

            var who = holder?.Describe() ?? "a process that did not say who it is";
            var what = $"another redeploy ({who}) is working on namespace {config.Namespace} of context {config.KubeContext}";
            if (clock.Elapsed >= wait)
            {
                throw new BuildInputException(wait == TimeSpan.Zero
                    ? $"Not started: {what}. Wait for it to finish, or pass --{ArgumentNames.LockTimeout}=5m to wait for it."
                    : $"Not started: {what}, still after {wait.TotalSeconds:0}s.");
            }

            if (!announced)
            {
                context.Log.Information("ClusterLock: {0}; waiting for it (up to {1:0}s).", what, wait.TotalSeconds);
                announced = true;
            }

            if (context.Cancellation.Token.WaitHandle.WaitOne(Poll))
            {
                context.Cancellation.ThrowIfCancellationRequested();
            }
        }
    }

    public IEnumerable<string> DescribePlan(BuildContext context)
    {
        yield return $"ClusterLock: one run at a time for namespace {context.Config.Namespace} of context {context.Config.KubeContext} " +
            (context.Settings.LockTimeout == TimeSpan.Zero ? "(another run is refused)." : $"(waits up to {Kubernetes.KubectlRunner.Seconds(context.Settings.LockTimeout)} for another run).");
    }
}
