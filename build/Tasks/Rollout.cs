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
[TaskDescription("Points each deployment whose image changed at its new id- tag (kubectl set image), waits for those and any rollout left unfinished (failing at once where one cannot succeed), and checks the pods run the image just built.")]
[UsesServicesFile]
[ChangesCluster]
[TaskArguments(ArgumentNames.RolloutTimeout, ArgumentNames.ForceRestart, ArgumentNames.RollbackOnFailure, ArgumentNames.FailAfterRestarts)]
public sealed class Rollout : FrostingTask<BuildContext>, IPlannedTask
{
    /// <summary>In a Watch, a failure of the first Redeploy is reported and the session still starts.</summary>
    public override void OnError(Exception exception, BuildContext context) => global::Build.Watch.WatchSession.ContinueIfWatching(context, nameof(Rollout), exception);

    /// <summary>How long verification waits for the pods watch to catch up with a complete rollout before it lists the pods itself.</summary>
    private static readonly TimeSpan PodsCatchUp = TimeSpan.FromSeconds(5);

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
        using var watch = new RolloutWatch(context, context.Kubectl(context.Settings.RolloutTimeout), waiting.Select(s => s.Deployment),
            context.Settings.FailAfterRestarts, context.Settings.RolloutTimeout, context.Cancellation, rollout => OnChange(context, waiting, rollout));
        watch.Start();
        var diagnosed = Wait(context, watch, waiting);
        var rollouts = watch.Rollouts;
        var complete = waiting.Where(s => rollouts[s.Deployment.Name].Phase == RolloutPhase.Complete).ToList();
        var failed = waiting.Except(complete).ToList();
        var wrongImage = complete.Count > 0 && watch.ServerAnswered ? Verify(context, watch, complete, clock.Elapsed) : [];
        if (failed.Count > 0)
        {
            Fail(context, watch, waiting, failed, diagnosed, wrongImage);
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
                $"now runs {now}; set image and wait (up to {KubectlRunner.Seconds(context.Settings.RolloutTimeout)}, failing at once after {context.Settings.FailAfterRestarts} restarts or a final pod error) only if the built tag differs or its rollout is unfinished" +
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
        var always = steps.Where(s => !pulls && s.Deployment.Container(s.Image.Service.Container)!.EffectivePullPolicy == "Always").ToList();
        if (always.Count == 1)
        {
            var step = always[0];
            context.Log.Warning(
                "Rollout: {0} container {1} has imagePullPolicy Always, so the node will try to pull {2} from a registry instead of using the loaded image. Set imagePullPolicy: IfNotPresent.",
                step.Resource, step.Image.Service.Container, step.Image.Reference);
        }
        else if (always.Count > 1)
        {
            // Said once, however many deployments it concerns.
            context.Log.Warning(
                "Rollout: {0} have imagePullPolicy Always, so the node will try to pull their images from a registry instead of using the loaded ones. Set imagePullPolicy: IfNotPresent.",
                Listing.Few(always.Select(s => s.Resource).ToList()));
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
                case RolloutAction.Converge:
                    context.Log.Information("Rollout: {0} already runs {1}, but its rollout is not complete ({2}); waiting for it.", step.Resource, step.Image.Reference, step.Deployment.Rollout.Progress);
                    break;
                default:
                    context.Log.Information("Rollout: {0} already runs {1}; not restarted.", step.Resource, step.Image.Reference);
                    report.Rollout = new(RolloutResult.Unchanged);
                    break;
            }
        }
    }

    /// <summary>"rolling out: 1 of 2 new pods ready" in the report while a rollout goes on.</summary>
    private static void OnChange(BuildContext context, IReadOnlyList<RolloutStep> waiting, DeploymentRollout rollout)
    {
        context.Log.Verbose("Rollout: {0}", rollout.CannotStart is { } cannot ? $"deployment/{rollout.Name}: a new pod cannot start: {cannot}" : rollout.Status.Message);
        foreach (var step in waiting.Where(s => s.Deployment.Name == rollout.Name && !rollout.IsFinal && !context.Cancellation.IsCancellationRequested))
        {
            context.Report.For(step.Image.Service.Name).Rollout = new(RolloutResult.RollingOut, rollout.Status.Progress);
        }
    }

    /// <summary>
    /// Waits until every rollout is final or --rollout-timeout passes. A rollout that fails is said at once, with its
    /// diagnosis, and the others are still waited for. Returns the deployments already diagnosed. Ctrl-C says where
    /// each stood.
    /// </summary>
    private static HashSet<string> Wait(BuildContext context, RolloutWatch watch, IReadOnlyList<RolloutStep> waiting)
    {
        var timeout = KubectlRunner.Seconds(context.Settings.RolloutTimeout);
        var diagnosed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var step in waiting)
        {
            context.Report.For(step.Image.Service.Name).Rollout = new(RolloutResult.RollingOut);
        }

        bool NewlyFailed(IReadOnlyDictionary<string, DeploymentRollout> rollouts) => rollouts.Values.Any(r => r.Phase == RolloutPhase.Failed && !diagnosed.Contains(r.Name));
        try
        {
            while (true)
            {
                var pending = watch.Rollouts.Values.Where(r => !r.IsFinal).Select(r => r.Name).ToList();
                var rollouts = context.WithProgress(
                    nameof(Rollout),
                    $"waiting for {string.Join(", ", pending)} (up to {timeout})",
                    () => watch.Wait(r => r.Values.All(x => x.IsFinal) || NewlyFailed(r)),
                    (result, elapsed) => result.Values.All(r => r.Phase == RolloutPhase.Complete) ? $"Rollout: done in {elapsed.TotalSeconds:0.0}s."
                        : NewlyFailed(result) && result.Values.Any(r => !r.IsFinal) ? $"Rollout: {string.Join(", ", result.Values.Where(r => r.Phase == RolloutPhase.Failed && !diagnosed.Contains(r.Name)).Select(r => r.Name))} cannot succeed; the others are still waited for."
                        : $"Rollout: stopped waiting after {elapsed.TotalSeconds:0.0}s.");
                var failedNow = waiting.Where(s => rollouts[s.Deployment.Name].Phase == RolloutPhase.Failed && !diagnosed.Contains(s.Deployment.Name)).ToList();
                if (failedNow.Count > 0)
                {
                    SayFailed(context, failedNow, rollouts);
                    if (watch.ServerAnswered)
                    {
                        RolloutDiagnosis.Run(context, failedNow.Select(s => s.Deployment).DistinctBy(d => d.Name).ToList());
                    }

                    diagnosed.UnionWith(failedNow.Select(s => s.Deployment.Name));
                }

                if (rollouts.Values.All(r => r.IsFinal) || watch.TimeIsUp)
                {
                    return diagnosed;
                }
            }
        }
        catch (Exception) when (context.Cancellation.IsCancellationRequested)
        {
            // Ctrl-C: the watches' killed kubectl processes may end the wait as one AggregateException of them.
            var rollouts = watch.Rollouts;
            foreach (var step in waiting.Where(s => !rollouts[s.Deployment.Name].IsFinal))
            {
                var report = context.Report.For(step.Image.Service.Name);
                report.Rollout = report.Rollout with { State = RolloutResult.Interrupted };
            }

            context.Cancellation.ThrowIfCancellationRequested();
            throw;
        }
    }

    /// <summary>The error line and the report row of rollouts that ended badly.</summary>
    private static void SayFailed(BuildContext context, IReadOnlyList<RolloutStep> steps, IReadOnlyDictionary<string, DeploymentRollout> rollouts)
    {
        var timeout = KubectlRunner.Seconds(context.Settings.RolloutTimeout);
        foreach (var step in steps)
        {
            var rollout = rollouts[step.Deployment.Name];
            var failed = rollout.Phase == RolloutPhase.Failed;
            context.Log.Error("Rollout of {0} failed: {1}.", step.Resource, failed ? rollout.Why : $"not finished after {timeout} ({rollout.Status.Progress})");
            context.Report.For(step.Image.Service.Name).Rollout = new(failed ? RolloutResult.Failed : RolloutResult.TimedOut, rollout.Detail);
        }
    }

    /// <summary>
    /// Checks that every rolled-out deployment's pods run the image just built, from the pods the watch saw once it has
    /// caught up (else from one pods list).
    /// </summary>
    private static IReadOnlyList<string> Verify(BuildContext context, RolloutWatch watch, IReadOnlyList<RolloutStep> complete, TimeSpan elapsed)
    {
        var names = complete.Select(s => s.Deployment.Name).ToList();
        watch.Wait(_ => watch.PodsSettled(names), PodsCatchUp);
        return RolloutVerification.Run(context, complete, elapsed, watch.PodsSettled(names) ? watch.Pods : null);
    }

    /// <summary>Says why the rest failed (they timed out), undoes the changes if asked, and fails the task.</summary>
    private static void Fail(BuildContext context, RolloutWatch watch, IReadOnlyList<RolloutStep> waiting, IReadOnlyList<RolloutStep> failed, IReadOnlySet<string> diagnosed, IReadOnlyList<string> wrongImage)
    {
        var rest = failed.Where(s => !diagnosed.Contains(s.Deployment.Name)).ToList();
        SayFailed(context, rest, watch.Rollouts);
        var answered = watch.ServerAnswered && (rest.Count == 0 || RolloutDiagnosis.Run(context, rest.Select(s => s.Deployment).DistinctBy(d => d.Name).ToList()));
        var silent = answered ? "" : " The cluster stopped answering" + (watch.LastError is { } error ? $" ({error})" : "") + ".";
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
