using Build.Infrastructure;
using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Frosting;
using Microsoft.Extensions.DependencyInjection;

namespace Build.Tasks;

[TaskName(nameof(Default))]
[TaskDescription("Lists the targets and the arguments they read. Changes nothing.")]
public sealed class Default : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context)
    {
        var engine = context.ServiceProvider.GetRequiredService<ICakeEngine>();
        var targets = engine.Tasks.Where(t => t.Name != nameof(Default)).OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        var nameWidth = targets.Max(t => t.Name.Length);

        context.Log.Information("Targets (./build.sh --target=NAME):");
        foreach (var target in targets)
        {
            context.Log.Information("  {0}  {1}", target.Name.PadRight(nameWidth), target.Description);
        }

        context.Log.Information("");
        context.Log.Information("Arguments (--name=value; every one is optional):");
        var usageWidth = ArgumentNames.All.Max(a => a.Usage.Length);
        var defaultWidth = ArgumentNames.All.Max(a => a.Default.Length);
        foreach (var argument in ArgumentNames.All)
        {
            var environment = argument.EnvironmentVariable is null ? "" : $" Also {argument.EnvironmentVariable}.";
            context.Log.Information(
                "  {0}  {1}  {2}{3} [{4}]",
                argument.Usage.PadRight(usageWidth),
                argument.Default.PadRight(defaultWidth),
                argument.Description,
                environment,
                string.Join(", ", TargetsUsing(engine.Tasks, argument.UsedBy)));
        }

        context.Log.Information("");
        context.Log.Information("The main job is ./build.sh --target=Redeploy; --dryrun shows its plan first. The README has the details.");
    }

    /// <summary>The targets that run any of <paramref name="tasks"/>, themselves or through their dependencies.</summary>
    public static IEnumerable<string> TargetsUsing(IReadOnlyList<ICakeTaskInfo> all, IReadOnlyCollection<string> tasks)
    {
        var byName = all.ToDictionary(t => t.Name, StringComparer.OrdinalIgnoreCase);
        bool Runs(ICakeTaskInfo task, HashSet<string> seen) =>
            tasks.Contains(task.Name) ||
            task.Dependencies.Any(d => seen.Add(d.Name) && byName.TryGetValue(d.Name, out var dependency) && Runs(dependency, seen));
        return all.Where(t => Runs(t, [])).Select(t => t.Name).Order(StringComparer.Ordinal);
    }
}
