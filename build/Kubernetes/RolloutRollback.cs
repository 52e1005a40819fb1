using Build.Infrastructure;
using Build.Tools;
using Cake.Core.Diagnostics;

namespace Build.Kubernetes;

/// <summary><c>--rollback-on-failure</c>: <c>kubectl rollout undo</c> of what this run changed, once the wait is over.</summary>
public static class RolloutRollback
{
    /// <summary>Undoes the changes (when the cluster answers) and returns the sentence the run's error ends with.</summary>
    public static string Run(BuildContext context, IReadOnlyList<RolloutStep> changed, bool clusterAnswers)
    {
        if (changed.Count == 0)
        {
            return "";
        }

        var kubectl = context.Kubectl(Deadlines.Quick, Deadlines.DiagnosisRequest);
        if (!clusterAnswers)
        {
            return $" Not rolled back (--{ArgumentNames.RollbackOnFailure}): the cluster does not answer. When it does, run: " +
                string.Join("; ", changed.Select(s => kubectl.UndoCommand(s.Deployment.Name)));
        }

        var rolledBack = new List<string>();
        var notRolledBack = new List<string>();
        foreach (var step in changed)
        {
            context.Log.Information("Rollout: rolling back {0} (--{1}).", step.Resource, ArgumentNames.RollbackOnFailure);
            var report = context.Report.For(step.Image.Service.Name);
            try
            {
                context.KubectlRolloutUndo(kubectl, step.Resource);
                report.Rollout = new(RolloutResult.RolledBack);
                rolledBack.Add(step.Deployment.Name);
            }
            catch (Exception failure) when (failure is ToolFailedException or ToolTimeoutException)
            {
                context.Log.Error("Rollout: could not roll back {0}: {1}", step.Resource, failure.Message.Split('\n').Last().Trim());
                report.RollbackFailed = true;
                notRolledBack.Add(kubectl.UndoCommand(step.Deployment.Name));
            }
        }

        return (rolledBack.Count > 0 ? $" Rolled back {string.Join(", ", rolledBack)} to the previous revision." : "") +
            (notRolledBack.Count > 0 ? $" Could not roll back; run: {string.Join("; ", notRolledBack)}" : "");
    }
}
