using Build.Infrastructure;
using Build.Kubernetes;
using Build.Tools;
using Cake.Core;

namespace Build.Pruning;

/// <summary>What one pruning did (or, for a dry run, would do): one line for the run, the details, and what it kept and why.</summary>
public sealed record PruneResult(string Summary, IReadOnlyList<string> Removed, TextTable Kept)
{
    public static TextTable NewKeptTable() => new("Place", "Image", "Kept because");
}

/// <summary>
/// Pruning, the same for PruneImages (after a rollout), Prune (on demand) and its dry run: reads what the cluster
/// uses, lists this run's services' repositories in every place the delivery puts images (<see cref="IImageStore"/>),
/// decides (<see cref="PrunePlan"/>), and removes. Nothing is removed unless the cluster answered: without knowing
/// what it uses, nothing is safe to remove. Never throws for a tool or registry failure: it says so in the summary.
/// </summary>
public static class ImagePruner
{
    /// <param name="batched">After a rollout: a place that removes in batches (<see cref="IImageStore.RemoveAtLeast"/>) waits for a full one.</param>
    public static PruneResult Run(BuildContext context, string step, IReadOnlyList<IImageStore> stores, int keep, bool dryRun, PruneBudget budget, bool batched = false)
    {
        var kept = PruneResult.NewKeptTable();
        var delivery = context.Delivery;
        var repositories = context.Config.Services
            .SelectMany(s => new[] { s.Image, delivery?.Choice.Registry?.Repository(s.Image) })
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .ToList();
        InUse inUse;
        try
        {
            inUse = InUse.From(context.KubectlGetJson(context.Kubectl(budget.Next(), Deadlines.DiagnosisRequest), "deployments,replicasets,pods"));
        }
        catch (Exception failure) when (IsExpected(failure))
        {
            return new PruneResult($"{step}: nothing removed: could not read what the cluster uses ({Short(failure)}).", [], kept);
        }

        var plans = new List<(IImageStore Store, IReadOnlyList<PruneDecision> Decisions)>();
        var problems = new List<string>();
        foreach (var store in stores)
        {
            try
            {
                plans.Add((store, PrunePlan.Decide(store.List(repositories, budget), keep, inUse)));
            }
            catch (Exception failure) when (IsExpected(failure))
            {
                problems.Add($"could not list the {store.Place} ({Short(failure)})");
            }
        }

        plans = plans.Select(plan => batched && plan.Decisions.Count(d => d.Remove) < plan.Store.RemoveAtLeast
                ? (plan.Store, (IReadOnlyList<PruneDecision>)plan.Decisions.Select(d => d.Remove ? d with { Remove = false, Why = $"{d.Why}; removed with the next one (one minikube process for {plan.Store.RemoveAtLeast})" } : d).ToList())
                : plan).ToList();
        foreach (var (store, decisions) in plans)
        {
            foreach (var decision in decisions.Where(d => !d.Remove))
            {
                kept.Add(store.Place, decision.Image.Reference, decision.Why);
            }
        }

        var removed = new List<(IImageStore Store, StoredTag Tag)>();
        foreach (var (store, decisions) in plans)
        {
            var remove = decisions.Where(d => d.Remove).Select(d => d.Image).ToList();
            if (remove.Count == 0)
            {
                continue;
            }

            if (dryRun)
            {
                removed.AddRange(remove.Select(t => (store, t)));
                continue;
            }

            try
            {
                var removal = store.Remove(remove, budget);
                removed.AddRange(removal.Removed.Select(t => (store, t)));
                if (removal.Problem is { } problem)
                {
                    problems.Add(store is RegistryStore ? problem : $"{store.Place} kept {remove.Count - removal.Removed.Count}: {problem}");
                }
            }
            catch (Exception failure) when (IsExpected(failure))
            {
                problems.Add($"could not remove from the {store.Place} ({Short(failure)})");
            }
        }

        var lines = removed.Select(r => $"{(dryRun ? "would remove" : "removed")} {r.Tag.Reference} from the {r.Store.Place}" + (r.Tag.Size is { } size ? $" ({PrunePlan.Bytes(size)})" : "")).ToList();
        return new PruneResult(Summarize(step, removed, dryRun, keep, problems), lines, kept);
    }

    private static string Summarize(string step, List<(IImageStore Store, StoredTag Tag)> removed, bool dryRun, int keep, List<string> problems)
    {
        var freed = removed.GroupBy(r => r.Store).Sum(g => PrunePlan.Frees(g.Select(r => r.Tag).ToList()));
        var where = string.Join(", ", removed.GroupBy(r => r.Store.Place).Select(g => $"{g.Count()} from the {g.Key}"));
        var said = removed.Count == 0
            ? $"{step}: {(dryRun ? "would remove" : "removed")} nothing (keeps each service's newest {keep} id- images and those the cluster uses)."
            : $"{step}: {(dryRun ? "would remove" : "removed")} {removed.Count} old id- image tag(s) ({where}), {(dryRun ? "freeing" : "freed")} {PrunePlan.Bytes(freed)}.";
        return problems.Count == 0 ? said : said + " " + string.Join("; ", problems.Select(Capitalized)) + ".";
    }

    private static string Capitalized(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..].TrimEnd('.');

    public static bool IsExpected(Exception failure) =>
        failure is ToolFailedException or ToolTimeoutException or ToolNotFoundException or CakeException or HttpRequestException
            or TimeoutException or TaskCanceledException or OperationCanceledException or FormatException or System.Text.Json.JsonException;

    private static string Short(Exception failure) => failure.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()?.Trim() ?? failure.GetType().Name;
}
