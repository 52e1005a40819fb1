using System.Diagnostics;
using Build.Docker;
using Build.Infrastructure;
using Build.Kubernetes;
using Build.Tools;
using Cake.Core.Diagnostics;
using Cake.Frosting;

namespace Build.Tasks;

[TaskName("Rollout")]
[IsDependentOn(typeof(MinikubeImageLoad))]
[TaskDescription("Points each deployment whose image changed at its new id- tag (kubectl set image), waits for all rollouts at once, and checks the pods run the image just built.")]
public sealed class Rollout : AsyncFrostingTask<BuildContext>
{
    private const int LogLines = 10;
    private const int Warnings = 5;

    public override async Task RunAsync(BuildContext context)
    {
        var kubectl = context.Kubectl();
        var targets = await InParallel(context.BuiltImages, image => Inspect(context, kubectl, image));

        var changed = new List<(BuiltImage Image, DeploymentInfo Deployment)>();
        foreach (var (image, deployment) in targets)
        {
            var service = image.Service;
            var resource = $"deployment/{service.Deployment}";
            var current = deployment.Container(service.Container)!.Image;
            if (current != image.Reference)
            {
                context.Log.Information("Rollout: {0} container {1}: {2} -> {3}", resource, service.Container, current, image.Reference);
                context.KubectlSetImage(kubectl, resource, service.Container, image.Reference);
            }
            else if (context.AppliedDeployments.Contains(service.Deployment))
            {
                context.Log.Information("Rollout: {0} was just applied with {1}.", resource, image.Reference);
            }
            else if (context.Settings.ForceRestart)
            {
                context.Log.Information("Rollout: {0} already runs {1}; restarting it (--force-restart).", resource, image.Reference);
                context.KubectlRolloutRestart(kubectl, resource);
            }
            else
            {
                context.Log.Information("Rollout: {0} already runs {1}; not restarted.", resource, image.Reference);
                context.Report.For(service.Name).Rollout = "unchanged";
                continue;
            }

            changed.Add((image, deployment));
        }

        if (changed.Count == 0)
        {
            return;
        }

        var timeout = context.Settings.RolloutTimeout;
        var clock = Stopwatch.StartNew();
        var waiting = context.Kubectl(toolTimeout: timeout + TimeSpan.FromMinutes(1));
        var results = context.WithProgress(
            "Rollout",
            $"waiting for {string.Join(", ", changed.Select(c => c.Image.Service.Deployment))} (up to {KubectlRunner.Seconds(timeout)})",
            () => InParallel(changed, c => context.KubectlRolloutStatus(waiting, $"deployment/{c.Image.Service.Deployment}", timeout)).GetAwaiter().GetResult());

        var failed = changed.Zip(results).Where(r => !r.Second.Succeeded).ToList();
        if (failed.Count > 0)
        {
            foreach (var (target, result) in failed)
            {
                Diagnose(context, kubectl, target.Image, target.Deployment, result);
                context.Report.For(target.Image.Service.Name).Rollout = "failed";
            }

            var rolledBack = context.Settings.RollbackOnFailure ? RollBack(context, kubectl, changed.Select(c => c.Image)) : [];
            throw new PipelineException(
                $"Rollout failed for {string.Join(", ", failed.Select(f => f.First.Image.Service.Deployment))} (see the diagnosis above). " +
                (rolledBack.Count > 0
                    ? $"Rolled back {string.Join(", ", rolledBack)} to the previous revision."
                    : $"Fix the cause and redeploy; --{ArgumentNames.RollbackOnFailure.Name}=1 undoes this run's changes when a rollout fails."));
        }

        foreach (var (image, deployment) in changed)
        {
            Verify(context, kubectl, image, deployment);
            context.Report.For(image.Service.Name).Rollout = $"rolled out {clock.Elapsed.TotalSeconds:0.0}s";
        }
    }

    private static (BuiltImage Image, DeploymentInfo Deployment) Inspect(BuildContext context, KubectlSettings kubectl, BuiltImage image)
    {
        var service = image.Service;
        var json = context.ClusterReads.Deployment(context, kubectl, service.Deployment)
            ?? throw new PipelineException(
                $"Deployment {service.Deployment} (service {service.Name}) does not exist in namespace {kubectl.Namespace} of context {kubectl.Context}. " +
                "Create it first: ./build.sh --target=Deploy applies the manifests in the services file.");
        var deployment = DeploymentInfo.Parse(json);
        var container = deployment.Container(service.Container)
            ?? throw new PipelineException(
                $"Deployment {service.Deployment} has no container named {service.Container} (it has {string.Join(", ", deployment.Containers.Select(c => c.Name))}); " +
                $"set \"container\" for service {service.Name} in {Path.GetFileName(context.Config.FilePath)}.");
        if (container.EffectivePullPolicy == "Always")
        {
            context.Log.Warning(
                "Rollout: deployment/{0} container {1} has imagePullPolicy Always, so the node will try to pull {2} from a registry instead of using the loaded image. Set imagePullPolicy: IfNotPresent.",
                service.Deployment, container.Name, image.Reference);
        }

        return (image, deployment);
    }

    /// <summary>Says why a rollout failed, per pod, with the container's last log lines and the latest warning events.</summary>
    private static void Diagnose(BuildContext context, KubectlSettings kubectl, BuiltImage image, DeploymentInfo deployment, ToolResult status)
    {
        var name = image.Service.Deployment;
        var why = KubectlErrors.IsTimeout(status) ? $"not finished after {KubectlRunner.Seconds(context.Settings.RolloutTimeout)}"
            : KubectlErrors.IsProgressDeadline(status) ? "exceeded its progress deadline"
            : KubectlErrors.IsUnreachable(status) ? "the cluster did not answer"
            : string.Join(" ", status.LastLines(2));
        context.Log.Error("Rollout of deployment/{0} failed: {1}.", name, why);

        var pods = context.KubectlGetJson(kubectl, "pods", selector: deployment.SelectorText);
        foreach (var problem in pods is null ? [] : PodReport.FindProblems(pods))
        {
            context.Log.Error("  {0}", problem.Describe());
            if (problem.Hint(context.Config.MinikubeProfile) is { } hint)
            {
                context.Log.Information("    {0}", hint);
            }

            if (problem.WantsLogs && problem.Container != "-")
            {
                var lines = context.KubectlLogs(kubectl, problem.Pod, problem.Container, LogLines, previous: problem.Restarts > 0)
                    ?? context.KubectlLogs(kubectl, problem.Pod, problem.Container, LogLines, previous: false)
                    ?? [];
                foreach (var line in lines)
                {
                    context.Log.Information("    | {0}", line);
                }
            }
        }

        var events = context.KubectlGetJson(kubectl, "events");
        var about = new HashSet<string>(pods is null ? [] : PodReport.PodNames(pods)) { name };
        var warnings = events is null ? [] : PodReport.LatestWarnings(events, about, Warnings);
        if (warnings.Count > 0)
        {
            context.Log.Information("  Latest warnings:");
            foreach (var warning in warnings)
            {
                context.Log.Information("    {0}", warning);
            }
        }
    }

    private static List<string> RollBack(BuildContext context, KubectlSettings kubectl, IEnumerable<BuiltImage> images)
    {
        var rolledBack = new List<string>();
        foreach (var image in images)
        {
            var resource = $"deployment/{image.Service.Deployment}";
            context.Log.Information("Rollout: rolling back {0} (--{1}).", resource, ArgumentNames.RollbackOnFailure.Name);
            context.KubectlRolloutUndo(kubectl, resource);
            context.Report.For(image.Service.Name).Rollout = "rolled back";
            rolledBack.Add(image.Service.Deployment);
        }

        return rolledBack;
    }

    private static void Verify(BuildContext context, KubectlSettings kubectl, BuiltImage image, DeploymentInfo deployment)
    {
        var pods = context.KubectlGetJson(kubectl, "pods", selector: deployment.SelectorText)!;
        var wrong = PodReport.PodsNotRunning(pods, image.Service.Container, image.ImageId);
        if (wrong.Count > 0)
        {
            throw new PipelineException(
                $"deployment/{image.Service.Deployment} rolled out, but not every pod runs the image just built ({BuiltImage.Hex(image.ImageId)[..12]}): " +
                string.Join("; ", wrong) + ".");
        }

        context.Log.Information(
            "Rollout: deployment/{0}: {1} pod(s) run {2} ({3}).",
            image.Service.Deployment, PodReport.CountPods(pods), image.Reference, BuiltImage.Hex(image.ImageId)[..12]);
    }

    private static async Task<TResult[]> InParallel<T, TResult>(IEnumerable<T> items, Func<T, TResult> work) =>
        await Task.WhenAll(items.Select(item => Task.Run(() => work(item))));
}
