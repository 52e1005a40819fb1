using Build.Infrastructure;
using Cake.Core.Diagnostics;

namespace Build.Pruning;

/// <summary>
/// PruneImages' work, started when the rollout succeeded and finished in Teardown: the result table is printed
/// first (pruning never delays it), then Teardown waits for this (at most its deadline) and only then releases the
/// lock, so no other redeploy starts while images are being removed.
/// </summary>
public sealed class BackgroundPruning
{
    private readonly Task<PruneResult> _work;
    private readonly CancellationTokenSource _deadline;

    private BackgroundPruning(Task<PruneResult> work, CancellationTokenSource deadline) => (_work, _deadline) = (work, deadline);

    public static BackgroundPruning Start(BuildContext context, IReadOnlyList<IImageStore> stores, int keep)
    {
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.Cancellation.Token);
        deadline.CancelAfter(Deadlines.Prune);
        var budget = new PruneBudget(Deadlines.Prune, deadline.Token);
        return new BackgroundPruning(Task.Run(() => ImagePruner.Run(context, "PruneImages", stores, keep, dryRun: false, budget, batched: true)), deadline);
    }

    /// <summary>Waits for the pruning and says what it did in one line (details at verbose). Never throws.</summary>
    public void Finish(BuildContext context)
    {
        try
        {
            if (!_work.Wait(Deadlines.Prune + TimeSpan.FromSeconds(5)))
            {
                _deadline.Cancel();
                context.Log.Warning("PruneImages: did not finish within {0:0}s; stopped (the next run prunes again).", Deadlines.Prune.TotalSeconds);
                return;
            }

            var result = _work.Result;
            foreach (var line in result.Removed)
            {
                context.LogText("PruneImages: " + line, LogLevel.Verbose);
            }

            foreach (var line in result.Kept.Lines())
            {
                context.LogText("  " + line, LogLevel.Verbose);
            }

            context.LogText(result.Summary);
        }
        catch (AggregateException failure)
        {
            context.Log.Warning("PruneImages: stopped ({0}); nothing else is affected.", failure.InnerException?.Message.Split('\n')[0] ?? failure.Message);
        }
        finally
        {
            _deadline.Dispose();
        }
    }
}
