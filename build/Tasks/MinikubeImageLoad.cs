using System.Diagnostics;
using Build.Delivery;
using Build.Docker;
using Build.Infrastructure;
using Build.Minikube;
using Cake.Core.Diagnostics;
using Cake.Frosting;

namespace Build.Tasks;

[TaskName(nameof(MinikubeImageLoad))]
[IsDependentOn(typeof(DockerBuild))]
[TaskDescription("Gets the built images to the cluster: minikube image load --daemon for those the node lacks (load); for docker-env only checks the node has them; for registry nothing (DockerBuild pushed them).")]
public sealed class MinikubeImageLoad : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context)
    {
        var mode = context.Delivery?.Mode ?? DeliveryMode.Load;
        switch (mode)
        {
            case DeliveryMode.Registry:
                context.Log.Information("MinikubeImageLoad: nothing to load: DockerBuild pushed the images to {0}, and the cluster pulls them from there.", context.Delivery!.Registry!);
                break;
            case DeliveryMode.DockerEnv:
                context.Log.Information("MinikubeImageLoad: nothing to load: the images were built in minikube's own Docker daemon (docker-env).");
                Confirm(context, context.BuiltImages, "built on node");
                break;
            default:
                Load(context);
                break;
        }
    }

    private static void Load(BuildContext context)
    {
        var profile = context.Config.MinikubeProfile;
        var node = context.NodeImagesBefore ?? context.MinikubeImageList(context.Minikube(Deadlines.Quick));
        var toLoad = new List<BuiltImage>();
        foreach (var image in context.BuiltImages)
        {
            if (node.Has(image.Reference, image.Id))
            {
                context.Report.For(image.Service.Name).Load = "on node";
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
            nameof(MinikubeImageLoad),
            $"loading {string.Join(", ", toLoad.Select(i => i.Reference))} into minikube profile {profile}",
            () => context.MinikubeImageLoad(context.Minikube(Deadlines.ImageLoad), toLoad.Select(i => i.Reference)));
        foreach (var line in result.Output.Concat(result.Error).Where(l => l.Trim().Length > 0))
        {
            context.LogLine("minikube", line);
        }

        // minikube image load can exit 0 without replacing anything (minikube#16032): check the node itself.
        Confirm(context, toLoad, $"loaded {clock.Elapsed.TotalSeconds:0.0}s");
    }

    /// <summary>Asks the node (one <c>minikube image ls</c>) whether it has each image under its tag, and fails naming those it lacks.</summary>
    private static void Confirm(BuildContext context, IReadOnlyList<BuiltImage> images, string state)
    {
        var profile = context.Config.MinikubeProfile;
        var node = context.MinikubeImageList(context.Minikube(Deadlines.Quick));
        var missing = images.Where(i => !node.Has(i.Reference, i.Id)).ToList();
        foreach (var image in images)
        {
            context.Report.For(image.Service.Name).Load = missing.Contains(image) ? "not on node" : state;
        }

        if (missing.Count > 0)
        {
            throw new PipelineException(string.Join("\n", missing.Select(image =>
                $"The node has {node.IdOf(image.Reference)?.Short ?? "nothing"} under {image.Reference}, not {image.Id.Short}" +
                (state.StartsWith("loaded", StringComparison.Ordinal) ? " (minikube image load exited 0 all the same)" : "") +
                $". Check with: minikube -p {profile} image ls.")));
        }
    }
}
