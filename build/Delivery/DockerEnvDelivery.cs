using Build.Docker;
using Build.Infrastructure;
using Build.Tools;
using Cake.Core.Diagnostics;

namespace Build.Delivery;

/// <summary>docker builds with the node's own daemon (<c>minikube docker-env</c>): nothing is transferred, and the node is only asked whether it has the images.</summary>
public sealed class DockerEnvDelivery(DeliveryChoice choice, ToolEnvironment nodeDaemon) : NodeDelivery(choice, nodeDaemon)
{
    protected override string DaemonProblem(BuildContext context, string? problem) =>
        $"minikube's Docker daemon does not answer ({problem}). Check it: minikube -p {context.Config.MinikubeProfile} status; or pass --{ArgumentNames.ImageDelivery}=load.";

    public override void Deliver(BuildContext context, IReadOnlyList<BuiltImage> images)
    {
        context.Log.Information("MinikubeImageLoad: nothing to load: the images were built in minikube's own Docker daemon (docker-env).");
        Confirm(context, images, new(DeliveryState.BuiltOnNode));
    }

    /// <summary>One place: the node's own daemon is the one the build uses.</summary>
    public override IReadOnlyList<Pruning.IImageStore> ImageStores(BuildContext context, bool registry) =>
        [new Pruning.DockerStore(context, DockerEnvironment, "node (docker-env)")];

    public override string DeliverPlan(BuildContext context) =>
        $"MinikubeImageLoad: nothing to load (the images are built in minikube's daemon); a check that the node of profile {context.Config.MinikubeProfile} has them.";
}
