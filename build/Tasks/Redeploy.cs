using Build.Infrastructure;
using Build.Kubernetes;
using Cake.Frosting;

namespace Build.Tasks;

[TaskName(nameof(Redeploy))]
[IsDependentOn(typeof(PruneImages))]
[TaskDescription("The main job: CredsFallback -> ClusterLock -> Preflight -> ImageDelivery -> DockerBuild -> MinikubeImageLoad -> Rollout -> PruneImages, for the services that changed; --logs=1 then follows the new pods' logs until Ctrl-C.")]
[TaskArguments(ArgumentNames.Logs)]
public sealed class Redeploy : FrostingTask<BuildContext>
{
    /// <summary>With --logs=1 (and Redeploy the target: Watch follows logs itself), follows the pods of the images just rolled out until Ctrl-C.</summary>
    public override void Run(BuildContext context)
    {
        if (context.Settings.FollowLogs != true || context.Intent.Target != nameof(Redeploy))
        {
            return;
        }

        var followers = context.LogFollowers ??= new PodLogFollowers(context, Progress.IsInteractive(context.GitHub.IsRunningOnGitHubActions || context.Host.Ci) && !context.Host.NoColor);
        foreach (var image in context.BuiltImages)
        {
            var selector = context.Cluster?.Deployments.GetValueOrDefault(image.Service.Deployment)?.SelectorText ?? $"app={image.Service.Name}";
            followers.Follow(image.Service.Name, selector, image.Service.Container, image.Reference, wholeLog: context.Report.For(image.Service.Name).Rollout.State == RolloutResult.RolledOut);
        }

        context.LogText("Redeploy: following the logs of the new pods; Ctrl-C ends.");
        context.Cancellation.Token.WaitHandle.WaitOne();
        context.Cancellation.ThrowIfCancellationRequested();
    }
}
