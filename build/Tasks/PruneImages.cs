using Build.Infrastructure;
using Build.Pruning;
using Cake.Core.Diagnostics;
using Cake.Frosting;

namespace Build.Tasks;

/// <summary>
/// Starts the pruning once the rollout succeeded (a failed rollout stops the run before this task) and returns at
/// once: Teardown prints the result table, then waits for the pruning (<see cref="BackgroundPruning"/>), then
/// releases the lock. Best effort with its own deadline: it never fails the run.
/// </summary>
[TaskName(nameof(PruneImages))]
[IsDependentOn(typeof(Rollout))]
[TaskDescription("After a successful rollout, removes each service's older id- images from the daemon it built with and the node (the registry with --prune-registry), keeping the newest --keep-images and any the cluster uses or can roll back to; best effort, after the result table, under the lock.")]
[UsesServicesFile]
[TaskArguments(ArgumentNames.Prune, ArgumentNames.KeepImages, ArgumentNames.PruneRegistry)]
public sealed class PruneImages : FrostingTask<BuildContext>, IPlannedTask
{
    public override void Run(BuildContext context)
    {
        if (!context.Settings.Prune)
        {
            context.Log.Verbose("PruneImages: off (--{0}=0).", ArgumentNames.Prune);
            return;
        }

        if (context.Delivery is not { } delivery)
        {
            return;
        }

        // Only a run that made a new image leaves an old one behind: a no-op costs no listing (Prune does it on demand).
        if (context.BuiltImages.All(image => image.Reused))
        {
            context.Log.Verbose("PruneImages: no new image, so nothing new to prune.");
            return;
        }

        context.Pruning = BackgroundPruning.Start(context, delivery.ImageStores(context, context.Settings.PruneRegistry), context.Settings.KeepImages);
    }

    public IEnumerable<string> DescribePlan(BuildContext context)
    {
        var places = context.Delivery?.ImageStores(context, context.Settings.PruneRegistry).Select(s => "the " + s.Place) ?? ["where the images are"];
        yield return context.Settings.Prune
            ? $"PruneImages: after a successful rollout, removes each service's id- images older than the newest {context.Settings.KeepImages} from {string.Join(" and ", places)}, " +
              "except those the cluster uses or can roll back to (after the result table, under the lock)."
            : $"PruneImages: off (--{ArgumentNames.Prune}=0).";
    }
}
