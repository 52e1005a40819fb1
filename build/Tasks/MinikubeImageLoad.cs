using System.Diagnostics;
using Build.Docker;
using Build.Infrastructure;
using Build.Minikube;
using Cake.Core.Diagnostics;
using Cake.Frosting;

namespace Build.Tasks;

[TaskName(nameof(MinikubeImageLoad))]
[IsDependentOn(typeof(DockerBuild))]
[TaskDescription("Loads the built images into the minikube profile (minikube image load --daemon), skipping those the node already has, and checks the node got them.")]
public sealed class MinikubeImageLoad : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context)
    {
        var profile = context.Config.MinikubeProfile;
        var node = context.Cluster?.NodeImages ?? context.MinikubeImageList(context.Minikube(Deadlines.Quick));
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
        var loaded = context.MinikubeImageList(context.Minikube(Deadlines.Quick));
        var missing = toLoad.Where(i => !loaded.Has(i.Reference, i.Id)).ToList();
        foreach (var image in toLoad)
        {
            context.Report.For(image.Service.Name).Load = missing.Contains(image) ? "not on node" : $"loaded {clock.Elapsed.TotalSeconds:0.0}s";
        }

        if (missing.Count > 0)
        {
            throw new PipelineException(string.Join("\n", missing.Select(image =>
                $"minikube image load exited 0, but the node has {loaded.IdOf(image.Reference)?.Short ?? "nothing"} under {image.Reference}, not {image.Id.Short}. " +
                $"Check with: minikube -p {profile} image ls.")));
        }
    }
}
