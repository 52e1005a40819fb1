using Build.Infrastructure;
using Build.Pruning;
using Cake.Frosting;

namespace Build.Tasks;

/// <summary>The pruning PruneImages does after a rollout, now and in the open: what it removed (or, with --dryrun, would), and what it kept and why.</summary>
[TaskName(nameof(Prune))]
[IsDependentOn(typeof(ImageDelivery))]
[TaskDescription("Removes each service's older id- images now, as PruneImages does after a rollout, and says what it kept and why; --dryrun lists what it would remove and the bytes that frees. Builds nothing.")]
[UsesServicesFile]
[ChangesCluster]
[TaskArguments(ArgumentNames.KeepImages, ArgumentNames.PruneRegistry)]
public sealed class Prune : FrostingTask<BuildContext>, IPlannedTask
{
    public override void Run(BuildContext context)
    {
        var result = Prunes(context, dryRun: false);
        foreach (var line in Describe(result))
        {
            context.LogText(line);
        }
    }

    public IEnumerable<string> DescribePlan(BuildContext context) => Describe(Prunes(context, dryRun: true));

    private static PruneResult Prunes(BuildContext context, bool dryRun)
    {
        var delivery = context.Delivery ?? throw new InvalidOperationException("ImageDelivery chooses where the images are before Prune.");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.Cancellation.Token);
        deadline.CancelAfter(Deadlines.Prune);
        return ImagePruner.Run(context, nameof(Prune), delivery.ImageStores(context, context.Settings.PruneRegistry), context.Settings.KeepImages, dryRun, new PruneBudget(Deadlines.Prune, deadline.Token));
    }

    private static IEnumerable<string> Describe(PruneResult result) =>
        result.Removed.Select(line => "Prune: " + line)
            .Concat(result.Kept.Rows.Count == 0 ? [] : ["Prune: kept:", .. result.Kept.Lines().Select(l => "  " + l)])
            .Append(result.Summary);
}
