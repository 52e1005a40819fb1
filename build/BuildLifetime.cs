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
    public override void Setup(BuildContext context, ISetupContext info)
    {
        var tasks = info.TasksToExecute.Select(t => t.Name).ToList();
        var intent = context.Intent = new RunIntent(info.TargetTask.Name, tasks);
        context.Log.Verbose("Target:       {0}", intent.Target);
        context.Log.Verbose("Tasks:        {0}", string.Join(" -> ", tasks));
        context.Log.Verbose("Working dir:  {0}", context.Environment.WorkingDirectory.FullPath);

        // Bad input stops the run here, before any task has done anything.
        string? refusal = null;
        if (intent.UsesServicesFile)
        {
            var config = context.Config; // a mistake in the services file is reported here
            refusal = intent.ChangesCluster ? PreflightChecks.ContextProblem(config.KubeContext, config.MinikubeProfile, context.Settings.AllowContext) : null;
            refusal ??= Delivery.DeliveryRequest.For(config, intent).Problem;
        }

        if (context.Settings.DryRun)
        {
            context.Log.Information("Plan (dry run: nothing is built, loaded or changed):");
            foreach (var step in tasks.SelectMany(task => TaskFacts.Of(task).DescribePlan(context)))
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
        context.LogFollowers?.Dispose();
        if (!context.Report.IsEmpty)
        {
            context.Log.Information("");
            context.LogTable(context.Report.ToTable());
        }

        context.Pruning?.Finish(context); // after the table (it never delays it), before the lock goes (it runs under it)
        context.Lease?.Dispose();
        context.Lock?.Dispose();
        RemoveTemporaryDockerConfigs(context);

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
            context.GitHub.Commands.SetStepSummary(StepSummary.Markdown(context.Intent.Target, info.Successful, info.ThrownException?.Message, context.Report.ToTable()));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            context.Log.Warning("Could not write the GitHub step summary to {0}: {1}", context.GitHub.Environment.Runtime.StepSummary.FullPath, exception.Message);
        }
    }

    private static void RemoveTemporaryDockerConfigs(BuildContext context)
    {
        if (context.DockerConfig is not { } session)
        {
            return;
        }

        var paths = session.Temporary.Select(t => t.Path).ToList();
        var problems = session.RemoveAll();
        foreach (var path in paths.Except(problems.Select(p => p.Path)))
        {
            context.Log.Verbose("CredsFallback: removed {0}", path);
        }

        foreach (var (path, problem) in problems)
        {
            context.Log.Warning("CredsFallback: could not remove {0} ({1}); the next run removes it.", path, problem);
        }
    }
}
