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
        var usageWidth = Arguments.All.Max(a => a.Usage.Length);
        var defaultWidth = Arguments.All.Max(a => a.Default.Length);
        foreach (var argument in Arguments.All)
        {
            var environment = argument.EnvironmentVariable is null ? "" : $" Also {argument.EnvironmentVariable}.";
            context.Log.Information(
                "  {0}  {1}  {2}{3} [{4}]",
                argument.Usage.PadRight(usageWidth),
                argument.Default.PadRight(defaultWidth),
                argument.Description,
                environment,
                string.Join(", ", TargetsReading(engine.Tasks, argument)));
        }

        context.Log.Information("");
        context.Log.Information("The main job is ./build.sh --target=Redeploy; --dryrun shows its plan first. The README has the details.");
    }

    /// <summary>The targets that run a task reading <paramref name="argument"/> (as the tasks declare it), themselves or through their dependencies.</summary>
    public static IEnumerable<string> TargetsReading(IReadOnlyList<ICakeTaskInfo> all, ArgumentSpec argument)
    {
        var byName = all.ToDictionary(t => t.Name, StringComparer.OrdinalIgnoreCase);
        bool Reads(string task) => TaskFacts.All.FirstOrDefault(f => f.Name == task)?.Reads(argument) ?? false;
        bool Runs(ICakeTaskInfo task, HashSet<string> seen) =>
            Reads(task.Name) ||
            task.Dependencies.Any(d => seen.Add(d.Name) && byName.TryGetValue(d.Name, out var dependency) && Runs(dependency, seen));
        return all.Where(t => Runs(t, [])).Select(t => t.Name).Order(StringComparer.Ordinal);
    }
}
