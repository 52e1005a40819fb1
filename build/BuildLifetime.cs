using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Frosting;

namespace Build;

/// <summary>Setup prints what the run will do; Teardown cleans up whatever happened, and never throws.</summary>
public sealed class BuildLifetime : FrostingLifetime<BuildContext>
{
    public override void Setup(BuildContext context, ISetupContext info)
    {
        var tasks = info.TasksToExecute.Select(t => t.Name).ToList();
        context.Log.Verbose("Target:       {0}", info.TargetTask.Name);
        context.Log.Verbose("Tasks:        {0}", string.Join(" -> ", tasks));
        context.Log.Verbose("Working dir:  {0}", context.Environment.WorkingDirectory.FullPath);

        var problems = Preflight.Problems(context, tasks);
        if (context.Settings.DryRun)
        {
            context.Log.Information("Plan (dry run: nothing is built, loaded or changed):");
            foreach (var step in RedeployPlan.Describe(context, tasks))
            {
                context.LogText("  " + step);
            }

            foreach (var problem in problems)
            {
                context.LogText("A real run would stop here: " + problem, LogLevel.Warning);
            }
        }
        else if (problems.Count > 0)
        {
            throw new Infrastructure.BuildInputException(string.Join("\n", problems));
        }
        else
        {
            context.ClusterReads = ClusterReads.Start(context, tasks);
        }
    }

    public override void Teardown(BuildContext context, ITeardownContext info)
    {
        RemoveTemporaryDockerConfig(context);
        if (!context.Report.IsEmpty)
        {
            context.Log.Information("");
            context.LogTable(context.Report.ToTable());
        }

        WriteStepSummary(context, info);
    }

    private static void WriteStepSummary(BuildContext context, ITeardownContext info)
    {
        if (context.GitHub.StepSummaryFile is not { } file)
        {
            return;
        }

        var target = context.Arguments.GetArguments("target").LastOrDefault() ?? "Default";
        var error = info.ThrownException?.Message;
        try
        {
            File.AppendAllText(file, Infrastructure.GitHubActions.Summary(target, info.Successful, error, context.Report.ToTable()));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            context.Log.Warning("Could not write the GitHub step summary to {0}: {1}", file, exception.Message);
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
            Environment.SetEnvironmentVariable(Infrastructure.EnvironmentVariableNames.DockerConfig, null);
            context.TemporaryDockerConfig = null;
            context.Log.Verbose("CredsFallback: removed {0}", temporary.Path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            context.Log.Warning("CredsFallback: could not remove {0} ({1}); the next run removes it.", temporary.Path, exception.Message);
        }
    }
}
