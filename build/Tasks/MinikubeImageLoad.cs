using Build.Infrastructure;
using Cake.Frosting;

namespace Build.Tasks;

[TaskName(nameof(MinikubeImageLoad))]
[IsDependentOn(typeof(DockerBuild))]
[TaskDescription("Gets the built images to the cluster: minikube image load --daemon for those the node lacks (load); for docker-env only checks the node has them; for registry nothing (DockerBuild pushed them).")]
[UsesServicesFile]
public sealed class MinikubeImageLoad : FrostingTask<BuildContext>, IPlannedTask
{
    /// <summary>In a Watch, a failure of the first Redeploy is reported and the session still starts.</summary>
    public override void OnError(Exception exception, BuildContext context) => global::Build.Watch.WatchSession.ContinueIfWatching(context, nameof(MinikubeImageLoad), exception);

    public override void Run(BuildContext context) =>
        (context.Delivery ?? throw new InvalidOperationException("ImageDelivery chooses how images reach the cluster before MinikubeImageLoad."))
            .Deliver(context, context.BuiltImages);

    public IEnumerable<string> DescribePlan(BuildContext context)
    {
        yield return context.Delivery?.DeliverPlan(context) ?? "MinikubeImageLoad: gets the images to the cluster the way ImageDelivery chooses.";
    }
}
