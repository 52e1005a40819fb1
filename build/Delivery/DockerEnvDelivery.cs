using Build.Docker;
using Build.Infrastructure;
using Build.Tools;
using Cake.Core.Diagnostics;

namespace Build.Delivery;

/// <summary>
/// docker builds with the node's own daemon (<c>minikube docker-env</c>): nothing is transferred, and nothing needs
/// asking: the daemon that built (or, for an unchanged service, inspected) each image is the node's runtime, and it
/// gave DockerBuild the image ID; the pods' image IDs are checked after the rollout as always.
/// </summary>
public sealed class DockerEnvDelivery(DeliveryChoice choice, ToolEnvironment nodeDaemon) : NodeDelivery(choice, nodeDaemon)
{
    protected override string DaemonProblem(BuildContext context, string? problem) =>
        $"minikube's Docker daemon does not answer ({problem}). Check it: minikube -p {context.Config.MinikubeProfile} status; or pass --{ArgumentNames.ImageDelivery}=load.";

    public override void Deliver(BuildContext context, IReadOnlyList<BuiltImage> images)
    {
        context.Log.Information("MinikubeImageLoad: nothing to load: the images were built in minikube's own Docker daemon (docker-env), which has them.");
        foreach (var image in images)
        {
            context.Report.For(image.Service.Name).Delivery = new(DeliveryState.BuiltOnNode);
        }
    }

    /// <summary>One place: the node's own daemon is the one the build uses.</summary>
    public override IReadOnlyList<Pruning.IImageStore> ImageStores(BuildContext context, bool registry) =>
        [new Pruning.DockerStore(context, DockerEnvironment, "node (docker-env)")];

    public override string DeliverPlan(BuildContext context) =>
        $"MinikubeImageLoad: nothing to load (the images are built in the Docker daemon of profile {context.Config.MinikubeProfile}'s node).";
}
