using System.Diagnostics;
using Build.Docker;
using Build.Infrastructure;
using Build.Minikube;
using Build.Tools;
using Cake.Core.Diagnostics;

namespace Build.Delivery;

/// <summary>
/// <c>minikube image load --daemon</c> of each image no deployment already runs, then one check of the node:
/// <c>minikube image load</c> exits 0 even when it did not replace an image (minikube#16032). Nothing asks the node
/// before the load: an image a deployment runs is on the node (its pods started from it), and for the others minikube
/// itself skips the transfer of an image the node has under that ID (<c>needsTransfer</c>).
/// </summary>
public sealed class LoadDelivery(DeliveryChoice choice, ToolEnvironment docker) : NodeDelivery(choice, docker)
{
    /// <summary>What the node listed right after this run's load: pruning starts from it instead of asking again.</summary>
    private NodeImages? _afterLoad;

    public override void Deliver(BuildContext context, IReadOnlyList<BuiltImage> images)
    {
        var profile = context.Config.MinikubeProfile;
        var toLoad = NotRunning(context, images, "not loaded");
        if (toLoad.Count == 0)
        {
            return;
        }

        var clock = Stopwatch.StartNew();
        var result = context.WithProgress(
            "MinikubeImageLoad",
            $"loading {string.Join(", ", toLoad.Select(i => i.Reference))} into minikube profile {profile}",
            () => context.MinikubeImageLoad(context.Minikube(Deadlines.ImageLoad), toLoad.Select(i => i.Reference)));
        foreach (var line in result.Output.Concat(result.Error).Where(l => l.Trim().Length > 0))
        {
            context.LogLine("minikube", line);
        }

        _afterLoad = Confirm(context, toLoad, new(DeliveryState.Loaded, Took: clock.Elapsed));
    }

    /// <summary>The local daemon built them, and the node has the loaded copies (minikube cannot say when an image was made: the local daemon can).</summary>
    public override IReadOnlyList<Pruning.IImageStore> ImageStores(BuildContext context, bool registry)
    {
        var local = new Pruning.DockerStore(context, DockerEnvironment, "local daemon");
        return [local, new Pruning.NodeStore(context, context.Minikube, local, _afterLoad?.All)];
    }

    public override string DeliverPlan(BuildContext context) =>
        $"MinikubeImageLoad: minikube -p {context.Config.MinikubeProfile} image load --daemon of each image its deployment does not already run, then a check that the node has them.";
}
