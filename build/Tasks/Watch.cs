using Build.Infrastructure;
using Build.Watch;
using Cake.Frosting;

namespace Build.Tasks;

/// <summary>The inner loop: a Redeploy, then a session that redeploys what changes (<see cref="WatchSession"/>) until Ctrl-C.</summary>
[TaskName(nameof(Watch))]
[IsDependentOn(typeof(Redeploy))]
[TaskDescription("Redeploy, then watch what each image is built from (its context as docker sees it, its Dockerfile, the services file and its manifests): after --watch-debounce of quiet, rebuild and roll only the services whose inputs changed, and follow the new pods' logs; holds the lock until Ctrl-C.")]
[UsesServicesFile]
[ChangesCluster]
[TaskArguments(ArgumentNames.WatchDebounce, ArgumentNames.WatchPoll, ArgumentNames.Logs)]
public sealed class Watch : AsyncFrostingTask<BuildContext>, IPlannedTask
{
    public override Task RunAsync(BuildContext context) => new WatchSession(context, new WatchOptions(context.Settings.WatchDebounce, context.Settings.WatchPoll, context.Settings.FollowLogs ?? true)).RunAsync();

    public IEnumerable<string> DescribePlan(BuildContext context)
    {
        var how = context.Settings.WatchPoll is { } poll ? $"polling every {poll.TotalSeconds:0.###}s" : "native file events";
        yield return $"Watch: then watches {string.Join(", ", context.Config.Services.Select(s => s.Name))} ({how}); after {context.Settings.WatchDebounce.TotalMilliseconds:0}ms of quiet redeploys the services whose inputs changed" +
            ((context.Settings.FollowLogs ?? true) ? ", and follows the new pods' logs" : "") + "; until Ctrl-C.";
    }
}
