using System.Diagnostics;
using Build.Infrastructure;
using Build.Kubernetes;
using Cake.Core.Diagnostics;
using Cake.Frosting;

namespace Build.Tasks;

/// <summary>
/// Plans and makes the changes, then hands over to its parts: the wait (<see cref="RolloutWatch"/>), the check of the
/// pods (<see cref="RolloutVerification"/>), the diagnosis (<see cref="RolloutDiagnosis"/>) and the rollback
/// (<see cref="RolloutRollback"/>).
/// </summary>
[TaskName(nameof(Rollout))]
[IsDependentOn(typeof(MinikubeImageLoad))]
[TaskDescription("Points each deployment whose image changed at its new id- tag (kubectl set image), waits for all rollouts with one watch, and checks the pods run the image just built.")]
[UsesServicesFile]
[ChangesCluster]
[TaskArguments(ArgumentNames.RolloutTimeout, ArgumentNames.ForceRestart, ArgumentNames.RollbackOnFailure)]
public sealed class Rollout : FrostingTask<BuildContext>, IPlannedTask
{
    public override void Run(BuildContext context)
    {
        var steps = Plan(context);
        Apply(context, steps);
        var waiting = steps.Where(s => s.Waits).ToList();
        if (waiting.Count == 0)
        {
            return;
        }

        var clock = Stopwatch.StartNew();
        var result = Wait(context, waiting);
        var complete = waiting.Where(s => result.States[s.Deployment.Name].Phase == RolloutPhase.Complete).ToList();
        var failed = waiting.Except(complete).ToList();
        var wrongImage = complete.Count > 0 && result.ServerAnswered ? RolloutVerification.Run(context, complete, clock.Elapsed) : [];
        if (failed.Count > 0)
        {
            Fail(context, waiting, failed, result, wrongImage);
        }

        if (wrongImage.Count > 0)
        {
            throw new PipelineException(string.Join("\n", wrongImage));
        }
    }

    public IEnumerable<string> DescribePlan(BuildContext context)
    {
        var config = context.Config;
        IReadOnlyDictionary<string, DeploymentInfo>? deployments;
        try
        {
            deployments = context.KubectlGetDeployments(context.Kubectl(Deadlines.Preflight, Deadlines.PreflightRequest));
        }
        catch (Exception exception) when (exception is Tools.ToolFailedException or Tools.ToolNotFoundException or Tools.ToolTimeoutException)
        {
            deployments = null;
        }

        foreach (var service in config.Services)
        {
            var now = deployments is null ? "(could not ask the cluster)"
                : deployments.GetValueOrDefault(service.Deployment) is not { } deployment ? "(deployment not found)"
                : deployment.Container(service.Container)?.Image ?? $"no container {service.Container}";
            yield return $"Rollout: deployment/{service.Deployment} container {service.Container} in {config.Namespace} (context {config.KubeContext}): " +
                $"now runs {now}; set image and wait (up to {KubectlRunner.Seconds(context.Settings.RolloutTimeout)}) only if the built tag differs" +
                (context.Settings.ForceRestart ? ", else restart (--force-restart)." : ".");
        }
    }

    /// <summary>Which deployments change, from what Preflight read (or, after ApplyManifests, what is there now).</summary>
    private static IReadOnlyList<RolloutStep> Plan(BuildContext context)
    {
        var deployments = context.Cluster is { } cluster && context.AppliedDeployments.Count == 0 && context.BuiltImages.All(i => cluster.Deployments.ContainsKey(i.Service.Deployment))
            ? cluster.Deployments
            : context.KubectlGetDeployments(context.Kubectl(Deadlines.Quick));
        var steps = RolloutPlan.For(context.BuiltImages, deployments, context.AppliedDeployments, context.Settings.ForceRestart, context.Config.FilePath);
        var pulls = context.Delivery?.Mode == Delivery.DeliveryMode.Registry;
        foreach (var step in steps.Where(s => !pulls && s.Deployment.Container(s.Image.Service.Container)!.EffectivePullPolicy == "Always"))
        {
            context.Log.Warning(
                "Rollout: {0} container {1} has imagePullPolicy Always, so the node will try to pull {2} from a registry instead of using the loaded image. Set imagePullPolicy: IfNotPresent.",
                step.Resource, step.Image.Service.Container, step.Image.Reference);
        }

        return steps;
    }

    /// <summary>Makes the changes, recording each in the report before it is made (so an interruption still says what changed).</summary>
    private static void Apply(BuildContext context, IReadOnlyList<RolloutStep> steps)
    {
        var kubectl = context.Kubectl(Deadlines.Quick);
        foreach (var step in steps)
        {
            var report = context.Report.For(step.Image.Service.Name);
            switch (step.Action)
            {
                case RolloutAction.SetImage:
                    context.Log.Information("Rollout: {0} container {1}: {2} -> {3}", step.Resource, string.Join(", ", step.Containers), step.CurrentImage, step.Image.Reference);
                    report.ChangedDeployment = step.Deployment.Name;
                    context.KubectlSetImage(kubectl, step.Resource, step.Containers, step.Image.Reference);
                    break;
                case RolloutAction.Restart:
                    context.Log.Information("Rollout: {0} already runs {1}; restarting it (--{2}).", step.Resource, step.Image.Reference, ArgumentNames.ForceRestart);
                    report.ChangedDeployment = step.Deployment.Name;
                    context.KubectlRolloutRestart(kubectl, step.Resource);
                    break;
                case RolloutAction.Applied:
                    context.Log.Information("Rollout: {0} was just applied with {1}.", step.Resource, step.Image.Reference);
                    break;
                default:
                    context.Log.Information("Rollout: {0} already runs {1}; not restarted.", step.Resource, step.Image.Reference);
                    report.Rollout = new(RolloutResult.Unchanged);
                    break;
            }
        }
    }

    /// <summary>One watch for all rollouts, until each is final or --rollout-timeout passes; Ctrl-C says where each stood.</summary>
    private static RolloutWaitResult Wait(BuildContext context, IReadOnlyList<RolloutStep> waiting)
    {
        var timeout = context.Settings.RolloutTimeout;
        var names = waiting.Select(s => s.Deployment.Name).Distinct().ToList();
        foreach (var step in waiting)
        {
            context.Report.For(step.Image.Service.Name).Rollout = new(RolloutResult.RollingOut);
        }

        void OnChange(string deployment, RolloutState state)
        {
            context.Log.Verbose("Rollout: {0}", state.Message);
            foreach (var step in waiting.Where(s => s.Deployment.Name == deployment && !state.IsFinal))
            {
                context.Report.For(step.Image.Service.Name).Rollout = new(RolloutResult.RollingOut, state.Progress);
            }
        }

        try
        {
            return context.WithProgress(
                nameof(Rollout),
                $"waiting for {string.Join(", ", names)} (up to {KubectlRunner.Seconds(timeout)})",
                () => RolloutWatch.Wait(context, context.Kubectl(timeout), names, timeout, context.Cancellation.Token, OnChange),
                (result, elapsed) => result.States.Values.All(s => s.Phase == RolloutPhase.Complete)
                    ? $"Rollout: done in {elapsed.TotalSeconds:0.0}s."
                    : $"Rollout: stopped waiting after {elapsed.TotalSeconds:0.0}s.");
        }
        catch (BuildCancelledException)
        {
            foreach (var step in waiting)
            {
                var report = context.Report.For(step.Image.Service.Name);
                report.Rollout = report.Rollout with { State = RolloutResult.Interrupted };
            }

            throw;
        }
    }

    /// <summary>Says why, per deployment and pod (best effort, with its own deadline), undoes the changes if asked, and fails the task.</summary>
    private static void Fail(BuildContext context, IReadOnlyList<RolloutStep> waiting, IReadOnlyList<RolloutStep> failed, RolloutWaitResult result, IReadOnlyList<string> wrongImage)
    {
        var timeout = KubectlRunner.Seconds(context.Settings.RolloutTimeout);
        foreach (var step in failed)
        {
            var state = result.States[step.Deployment.Name];
            var why = state.Phase == RolloutPhase.Failed
                ? state.Message.Replace($"deployment \"{step.Deployment.Name}\" ", "", StringComparison.Ordinal)
                : $"not finished after {timeout} ({state.Progress})";
            context.Log.Error("Rollout of {0} failed: {1}.", step.Resource, why);
            context.Report.For(step.Image.Service.Name).Rollout = new(state.Phase == RolloutPhase.Failed ? RolloutResult.Failed : RolloutResult.TimedOut);
        }

        var answered = result.ServerAnswered && RolloutDiagnosis.Run(context, failed.Select(f => f.Deployment).DistinctBy(d => d.Name).ToList());
        var silent = answered ? "" : " The cluster stopped answering" + (result.LastError is { } error ? $" ({error})" : "") + ".";
        var changed = waiting.Where(s => s.ChangesCluster).ToList();
        var undo = context.Settings.RollbackOnFailure
            ? RolloutRollback.Run(context, changed, answered)
            : changed.Count == 0 ? ""
            : $" Fix the cause and redeploy; --{ArgumentNames.RollbackOnFailure}=1 undoes this run's changes when a rollout fails.";
        throw new PipelineException(string.Join("\n", wrongImage.Prepend(
            $"Rollout failed for {string.Join(", ", failed.Select(f => f.Deployment.Name).Distinct())}" +
            (answered ? " (see the diagnosis above)." : ".") + silent + undo)));
    }
}
