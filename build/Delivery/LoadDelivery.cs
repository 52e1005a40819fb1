using System.Diagnostics;
using Build.Docker;
using Build.Infrastructure;
using Build.Minikube;
using Build.Tools;
using Cake.Core.Diagnostics;

namespace Build.Delivery;

/// <summary>
/// <c>minikube image load --daemon</c> of each image the node does not already have under that ID, then a check of
/// the node: <c>minikube image load</c> exits 0 even when it did not replace an image (minikube#16032).
/// </summary>
public sealed class LoadDelivery(DeliveryChoice choice, ToolEnvironment docker) : NodeDelivery(choice, docker)
{
    /// <summary>The node's images before anything was loaded (read in <see cref="PrepareAsync"/> when the run delivers).</summary>
    private NodeImages? _before;

    public override async Task PrepareAsync(BuildContext context)
    {
        await base.PrepareAsync(context);
        if (context.Intent.DeliversImages)
        {
            _before = context.MinikubeImageList(context.Minikube(Deadlines.Quick));
        }
    }

    public override void Deliver(BuildContext context, IReadOnlyList<BuiltImage> images)
    {
        var profile = context.Config.MinikubeProfile;
        var node = _before ?? context.MinikubeImageList(context.Minikube(Deadlines.Quick));
        var toLoad = new List<BuiltImage>();
        foreach (var image in images)
        {
            if (node.Has(image.Reference, image.Id))
            {
                context.Report.For(image.Service.Name).Delivery = new(DeliveryState.OnNode);
                context.Log.Information("MinikubeImageLoad: {0} is already on the node; not loaded.", image.Reference);
            }
            else
            {
                toLoad.Add(image);
            }
        }

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

        Confirm(context, toLoad, new(DeliveryState.Loaded, Took: clock.Elapsed));
    }

    /// <summary>The local daemon built them, and the node has the loaded copies (minikube cannot say when an image was made: the local daemon can).</summary>
    public override IReadOnlyList<Pruning.IImageStore> ImageStores(BuildContext context, bool registry)
    {
        var local = new Pruning.DockerStore(context, DockerEnvironment, "local daemon");
        return [local, new Pruning.NodeStore(context, context.Minikube, local)];
    }

    public override string DeliverPlan(BuildContext context) =>
        $"MinikubeImageLoad: minikube -p {context.Config.MinikubeProfile} image load --daemon of each image the node does not already have under that ID, then a check that the node has them.";
}
