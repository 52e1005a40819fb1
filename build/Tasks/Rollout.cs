using System.Diagnostics;
using System.Text.Json.Nodes;
using Build.Docker;
using Build.Infrastructure;
using Build.Kubernetes;
using Build.Tools;
using Cake.Core.Diagnostics;
using Cake.Frosting;

namespace Build.Tasks;

[TaskName(nameof(Rollout))]
[IsDependentOn(typeof(MinikubeImageLoad))]
[TaskDescription("Points each deployment whose image changed at its new id- tag (kubectl set image), waits for all rollouts with one watch, and checks the pods run the image just built.")]
public sealed class Rollout : FrostingTask<BuildContext>
{
    private const int LogLines = 10;
    private const int Warnings = 5;

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
        var wrongImage = complete.Count > 0 && result.ServerAnswered ? Verify(context, complete, clock.Elapsed) : [];
        if (failed.Count > 0)
        {
            Fail(context, waiting, failed, result, wrongImage);
        }

        if (wrongImage.Count > 0)
        {
            throw new PipelineException(string.Join("\n", wrongImage));
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
                    context.Log.Information("Rollout: {0} already runs {1}; restarting it (--{2}).", step.Resource, step.Image.Reference, ArgumentNames.ForceRestart.Name);
                    report.ChangedDeployment = step.Deployment.Name;
                    context.KubectlRolloutRestart(kubectl, step.Resource);
                    break;
                case RolloutAction.Applied:
                    context.Log.Information("Rollout: {0} was just applied with {1}.", step.Resource, step.Image.Reference);
                    break;
                default:
                    context.Log.Information("Rollout: {0} already runs {1}; not restarted.", step.Resource, step.Image.Reference);
                    report.Rollout = "unchanged";
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
            context.Report.For(step.Image.Service.Name).Rollout = "rolling out";
        }

        void OnChange(string deployment, RolloutState state)
        {
            context.Log.Verbose("Rollout: {0}", state.Message);
            foreach (var step in waiting.Where(s => s.Deployment.Name == deployment && !state.IsFinal))
            {
                context.Report.For(step.Image.Service.Name).Rollout = "rolling out: " + Waiting(state);
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
                report.Rollout = report.Rollout.Replace("rolling out", "interrupted", StringComparison.Ordinal);
            }

            throw;
        }
    }

    /// <summary>"0 of 1 updated replicas available" from kubectl's "Waiting for deployment "x" rollout to finish: 0 of 1 updated replicas are available...".</summary>
    private static string Waiting(RolloutState state)
    {
        var message = state.Message.TrimEnd('.');
        var colon = message.IndexOf(": ", StringComparison.Ordinal);
        return colon >= 0 ? message[(colon + 2)..] : message;
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
                : $"not finished after {timeout} ({Waiting(state)})";
            context.Log.Error("Rollout of {0} failed: {1}.", step.Resource, why);
            context.Report.For(step.Image.Service.Name).Rollout = state.Phase == RolloutPhase.Failed ? "failed" : "timed out";
        }

        var answered = result.ServerAnswered && Diagnosis.Run(context, failed);
        var silent = answered ? "" : " The cluster stopped answering" + (result.LastError is { } error ? $" ({error})" : "") + ".";
        var changed = waiting.Where(s => s.ChangesCluster).ToList();
        var undo = context.Settings.RollbackOnFailure
            ? RollBack(context, changed, answered)
            : changed.Count == 0 ? ""
            : $" Fix the cause and redeploy; --{ArgumentNames.RollbackOnFailure.Name}=1 undoes this run's changes when a rollout fails.";
        throw new PipelineException(string.Join("\n", wrongImage.Prepend(
            $"Rollout failed for {string.Join(", ", failed.Select(f => f.Deployment.Name).Distinct())}" +
            (answered ? " (see the diagnosis above)." : ".") + silent + undo)));
    }

    private static string RollBack(BuildContext context, IReadOnlyList<RolloutStep> changed, bool clusterAnswers)
    {
        if (changed.Count == 0)
        {
            return "";
        }

        var kubectl = context.Kubectl(Deadlines.Quick, Deadlines.DiagnosisRequest);
        if (!clusterAnswers)
        {
            return $" Not rolled back (--{ArgumentNames.RollbackOnFailure.Name}): the cluster does not answer. When it does, run: " +
                string.Join("; ", changed.Select(s => kubectl.UndoCommand(s.Deployment.Name)));
        }

        var rolledBack = new List<string>();
        var notRolledBack = new List<string>();
        foreach (var step in changed)
        {
            context.Log.Information("Rollout: rolling back {0} (--{1}).", step.Resource, ArgumentNames.RollbackOnFailure.Name);
            var report = context.Report.For(step.Image.Service.Name);
            try
            {
                context.KubectlRolloutUndo(kubectl, step.Resource);
                report.Rollout = "rolled back";
                report.Settled = true;
                rolledBack.Add(step.Deployment.Name);
            }
            catch (Exception failure) when (failure is ToolFailedException or ToolTimeoutException)
            {
                context.Log.Error("Rollout: could not roll back {0}: {1}", step.Resource, failure.Message.Split('\n').Last().Trim());
                report.Rollout += ", rollback failed";
                notRolledBack.Add(kubectl.UndoCommand(step.Deployment.Name));
            }
        }

        return (rolledBack.Count > 0 ? $" Rolled back {string.Join(", ", rolledBack)} to the previous revision." : "") +
            (notRolledBack.Count > 0 ? $" Could not roll back; run: {string.Join("; ", notRolledBack)}" : "");
    }

    /// <summary>
    /// Checks, with one pods list, that every rolled-out deployment's pods run the image just built; returns what
    /// is wrong (a failure to read the pods is one of those).
    /// </summary>
    private static IReadOnlyList<string> Verify(BuildContext context, IReadOnlyList<RolloutStep> rolled, TimeSpan elapsed)
    {
        JsonNode pods;
        try
        {
            pods = context.KubectlGetJson(context.Kubectl(Deadlines.Quick, Deadlines.DiagnosisRequest), "pods")!;
        }
        catch (Exception failure) when (failure is ToolFailedException or ToolTimeoutException)
        {
            return [$"Rolled out, but the pods could not be checked: {PreflightChecks.ClusterProblem(context.Config, failure)}"];
        }

        var wrong = new List<string>();
        foreach (var step in rolled)
        {
            var mine = PodReport.Select(pods, step.Deployment.Selector);
            var expected = step.Image.Id;
            var notRunning = PodReport.PodsNotRunning(mine, step.Image.Service.Container, step.Image.RunsIn);
            var report = context.Report.For(step.Image.Service.Name);
            if (notRunning.Count > 0)
            {
                report.Rollout = "wrong image";
                wrong.Add($"{step.Resource} rolled out, but not every pod runs the image just built ({step.Image.PushedDigest ?? expected.Short}): {string.Join("; ", notRunning)}.");
                continue;
            }

            report.Rollout = $"rolled out {elapsed.TotalSeconds:0.0}s";
            report.Settled = true;
            context.Log.Information("Rollout: {0}: {1} pod(s) run {2} ({3}).", step.Resource, PodReport.CountPods(mine), step.Image.Reference, expected.Short);
        }

        return wrong;
    }

    /// <summary>
    /// Why the pods of failed rollouts do not run, with their last log lines and the latest warnings. Best effort:
    /// all of it gets <see cref="Deadlines.Diagnosis"/>, and a failure of its own is a warning, never the run's error.
    /// </summary>
    private static class Diagnosis
    {
        /// <summary>Prints the diagnosis; false when the cluster did not answer it.</summary>
        public static bool Run(BuildContext context, IReadOnlyList<RolloutStep> failed)
        {
            var clock = Stopwatch.StartNew();
            var kubectl = context.Kubectl(Deadlines.Diagnosis, Deadlines.DiagnosisRequest);
            var podsRead = Task.Run(() => context.KubectlGetJson(kubectl, "pods"));
            var eventsRead = Task.Run(() => context.KubectlGetJson(kubectl, "events"));
            JsonNode pods;
            try
            {
                pods = podsRead.GetAwaiter().GetResult()!;
            }
            catch (Exception failure) when (failure is ToolFailedException or ToolTimeoutException)
            {
                context.Log.Warning("Rollout: no diagnosis: the cluster did not answer ({0}).", failure.Message.Split('\n').Last().Trim());
                return false;
            }

            var about = new HashSet<string>(StringComparer.Ordinal);
            foreach (var step in failed)
            {
                var mine = PodReport.Select(pods, step.Deployment.Selector);
                about.Add(step.Deployment.Name);
                about.UnionWith(PodReport.PodNames(mine));
                var problems = PodReport.FindProblems(mine, includeStarting: true);
                if (problems.Count == 0)
                {
                    context.Log.Error("  {0}: {1}", step.Resource, PodReport.CountPods(mine) == 0 ? "no pods (see the warnings below)" : "its pods run but are not all ready");
                }

                var logs = problems.Where(p => p.WantsLogs && p.Container != "-")
                    .Select(p => (Problem: p, Lines: Task.Run(() => Logs(context, p, Remaining(clock)))))
                    .ToList();
                foreach (var problem in problems)
                {
                    context.Log.Error("  {0}", problem.Describe());
                    if (problem.Hint(new HintContext(context.Config.MinikubeProfile, context.Config.Namespace, context.Delivery)) is { } hint)
                    {
                        context.Log.Information("    {0}", hint);
                    }

                    foreach (var line in logs.FirstOrDefault(l => l.Problem == problem).Lines?.GetAwaiter().GetResult() ?? [])
                    {
                        context.Log.Information("    | {0}", line);
                    }
                }
            }

            try
            {
                var warnings = PodReport.LatestWarnings(eventsRead.GetAwaiter().GetResult()!, about, Warnings);
                if (warnings.Count > 0)
                {
                    context.Log.Information("  Latest warnings:");
                    foreach (var warning in warnings)
                    {
                        context.Log.Information("    {0}", warning);
                    }
                }
            }
            catch (Exception failure) when (failure is ToolFailedException or ToolTimeoutException)
            {
                context.Log.Warning("Rollout: the events could not be read ({0}).", failure.Message.Split('\n').Last().Trim());
            }

            return true;
        }

        private static IReadOnlyList<string> Logs(BuildContext context, PodProblem problem, TimeSpan deadline)
        {
            var kubectl = context.Kubectl(deadline, Deadlines.DiagnosisRequest);
            try
            {
                return context.KubectlLogs(kubectl, problem.Pod, problem.Container, LogLines, previous: problem.Restarts > 0)
                    ?? context.KubectlLogs(kubectl, problem.Pod, problem.Container, LogLines, previous: false)
                    ?? [];
            }
            catch (Exception failure) when (failure is ToolFailedException or ToolTimeoutException)
            {
                return [$"(no log: {failure.Message.Split('\n').Last().Trim()})"];
            }
        }

        private static TimeSpan Remaining(Stopwatch clock)
        {
            var left = Deadlines.Diagnosis - clock.Elapsed;
            return left > TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1);
        }
    }
}
