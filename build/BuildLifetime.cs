using Build.Infrastructure;
using Build.Tasks;
using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Frosting;

namespace Build;

/// <summary>
/// Setup only checks the inputs and says what the run will do (every effect is a task, so <c>--tree</c> shows it);
/// Teardown releases and removes what the run held, says what it left behind, and never throws.
/// </summary>
public sealed class BuildLifetime : FrostingLifetime<BuildContext>
{
    /// <summary>Tasks that read the services file.</summary>
    private static readonly string[] UsesConfig = [nameof(DockerBuild), nameof(MinikubeImageLoad), nameof(Rollout), nameof(ApplyManifests), nameof(ClusterLock), nameof(Preflight), nameof(ImageDelivery)];

    /// <summary>Tasks that change the cluster.</summary>
    private static readonly string[] ChangesCluster = [nameof(Rollout), nameof(ApplyManifests)];

    public override void Setup(BuildContext context, ISetupContext info)
    {
        var tasks = info.TasksToExecute.Select(t => t.Name).ToList();
        context.TasksToRun = tasks.ToHashSet(StringComparer.Ordinal);
        context.Target = info.TargetTask.Name;
        context.Log.Verbose("Target:       {0}", info.TargetTask.Name);
        context.Log.Verbose("Tasks:        {0}", string.Join(" -> ", tasks));
        context.Log.Verbose("Working dir:  {0}", context.Environment.WorkingDirectory.FullPath);

        // Bad input stops the run here, before any task has done anything.
        string? refusal = null;
        if (tasks.Intersect(UsesConfig).Any())
        {
            var config = context.Config; // a mistake in the services file is reported here
            refusal = tasks.Intersect(ChangesCluster).Any() ? PreflightChecks.ContextProblem(config.KubeContext, config.MinikubeProfile, context.Settings.AllowContext) : null;
            refusal ??= config.ImageDelivery == Delivery.DeliveryMode.Registry && config.Registry is null
                ? $"--{ArgumentNames.ImageDelivery.Name}=registry needs a registry: pass --{ArgumentNames.Registry.Name}=HOST[:PORT][/PREFIX] or set \"registry\" in {Path.GetFileName(config.FilePath)}."
                : null;
        }
        if (context.Settings.DryRun)
        {
            context.Log.Information("Plan (dry run: nothing is built, loaded or changed):");
            foreach (var step in RedeployPlan.Describe(context, tasks))
            {
                context.LogText("  " + step);
            }

            if (refusal is not null)
            {
                context.LogText("A real run would stop here: " + refusal, LogLevel.Warning);
            }
        }
        else if (refusal is not null)
        {
            throw new BuildInputException(refusal);
        }
    }

    public override void Teardown(BuildContext context, ITeardownContext info)
    {
        context.Lock?.Dispose();
        RemoveTemporaryDockerConfig(context);
        if (!context.Report.IsEmpty)
        {
            context.Log.Information("");
            context.LogTable(context.Report.ToTable());
        }

        SayWhatIsLeftChanged(context);
        WriteStepSummary(context, info);
    }

    /// <summary>After a failure or Ctrl-C: the deployments this run changed that did not end well, and how to undo them.</summary>
    private static void SayWhatIsLeftChanged(BuildContext context)
    {
        var left = context.Report.LeftChanged;
        if (left.Count == 0)
        {
            return;
        }

        var kubectl = context.Kubectl(Deadlines.Quick);
        context.Log.Warning("This run changed {0} and left {1} as the table says; the cluster keeps those changes.",
            string.Join(", ", left.Select(l => "deployment/" + l.ChangedDeployment)), left.Count == 1 ? "it" : "them");
        foreach (var service in left)
        {
            context.Log.Warning("  To undo {0}: {1}", service.ChangedDeployment!, kubectl.UndoCommand(service.ChangedDeployment!));
        }
    }

    private static void WriteStepSummary(BuildContext context, ITeardownContext info)
    {
        if (!context.GitHub.IsRunningOnGitHubActions || context.GitHub.Environment.Runtime.StepSummary is null)
        {
            return;
        }

        try
        {
            context.GitHub.Commands.SetStepSummary(StepSummary.Markdown(context.Target, info.Successful, info.ThrownException?.Message, context.Report.ToTable()));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            context.Log.Warning("Could not write the GitHub step summary to {0}: {1}", context.GitHub.Environment.Runtime.StepSummary.FullPath, exception.Message);
        }
    }

    private static void RemoveTemporaryDockerConfig(BuildContext context)
    {
        if (context.TemporaryDockerConfig is not { } temporary)
        {
            return;
        }

        try
        {
            temporary.Dispose();
            context.TemporaryDockerConfig = null;
            context.Log.Verbose("CredsFallback: removed {0}", temporary.Path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            context.Log.Warning("CredsFallback: could not remove {0} ({1}); the next run removes it.", temporary.Path, exception.Message);
        }
    }
}
