using System.Diagnostics;
using Build.Docker;
using Build.Infrastructure;
using Build.Minikube;
using Cake.Core.Diagnostics;
using Cake.Frosting;

namespace Build.Tasks;

[TaskName("MinikubeImageLoad")]
[IsDependentOn(typeof(DockerBuild))]
[TaskDescription("Loads the built images into the minikube profile (minikube image load --daemon), skipping those the node already has, and checks the node got them.")]
public sealed class MinikubeImageLoad : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context)
    {
        var profile = context.Config.MinikubeProfile;
        var node = context.ClusterReads.NodeImagesBeforeLoad(context);
        var toLoad = new List<BuiltImage>();
        foreach (var image in context.BuiltImages)
        {
            if (node.Has(image.Reference, image.ImageId))
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
            "MinikubeImageLoad",
            $"loading {string.Join(", ", toLoad.Select(i => i.Reference))} into minikube profile {profile}",
            () => context.MinikubeImageLoad(profile, toLoad.Select(i => i.Reference)));
        foreach (var line in result.Output.Concat(result.Error).Where(l => l.Trim().Length > 0))
        {
            context.LogLine("minikube", line);
        }

        // minikube image load can exit 0 without replacing anything (minikube#16032): check the node itself.
        var loaded = context.MinikubeImageList(profile);
        var missing = toLoad.Where(i => !loaded.Has(i.Reference, i.ImageId)).ToList();
        foreach (var image in toLoad.Except(missing))
        {
            context.Report.For(image.Service.Name).Load = $"loaded {clock.Elapsed.TotalSeconds:0.0}s";
        }

        if (missing.Count > 0)
        {
            throw new PipelineException(string.Join("\n", missing.Select(image =>
                $"minikube image load exited 0, but the node has {Describe(loaded.IdOf(image.Reference))} under {image.Reference}, not {BuiltImage.Hex(image.ImageId)[..12]}. " +
                $"Check with: minikube -p {profile} image ls.")));
        }
    }

    private static string Describe(string? id) => id is null ? "nothing" : id[..Math.Min(12, id.Length)];
}
