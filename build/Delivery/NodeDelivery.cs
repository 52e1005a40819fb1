using Build.Docker;
using Build.Infrastructure;
using Build.Kubernetes;
using Build.Minikube;
using Build.Tools;
using Cake.Core.Diagnostics;

namespace Build.Delivery;

/// <summary>What load and docker-env share: the images end up in the minikube node, and the node is asked whether they did.</summary>
public abstract class NodeDelivery(DeliveryChoice choice, ToolEnvironment docker) : DeliveryStrategy(choice, docker)
{
    /// <summary>
    /// The images the node surely has: a deployment already runs each, with its rollout complete and at least one
    /// replica, so its pods started from that very image on the node. (Preflight read the deployments; a run that
    /// applies manifests did not, and then none is known to be there.)
    /// </summary>
    public static IReadOnlySet<BuiltImage> AlreadyRunning(IEnumerable<BuiltImage> images, IReadOnlyDictionary<string, DeploymentInfo> deployments, string configFile)
    {
        var known = images.Where(i => deployments.GetValueOrDefault(i.Service.Deployment) is { Replicas: > 0 } d && d.Container(i.Service.Container) is not null).ToList();
        return RolloutPlan.For(known, deployments, new HashSet<string>(), forceRestart: false, configFile)
            .Where(step => step.Action == RolloutAction.Unchanged)
            .Select(step => step.Image)
            .ToHashSet();
    }

    /// <summary>
    /// The images the node has to be given (or checked for): all but those a deployment already runs, which are
    /// recorded as on the node and logged with <paramref name="skipped"/>.
    /// </summary>
    protected static IReadOnlyList<BuiltImage> NotRunning(BuildContext context, IReadOnlyList<BuiltImage> images, string skipped)
    {
        var running = AlreadyRunning(images, context.Cluster?.Deployments ?? new Dictionary<string, DeploymentInfo>(), context.Config.FilePath);
        foreach (var image in images.Where(running.Contains))
        {
            context.Report.For(image.Service.Name).Delivery = new(DeliveryState.OnNode);
            context.Log.Information("MinikubeImageLoad: deployment/{0} already runs {1}, so the node has it; {2}.", image.Service.Deployment, image.Reference, skipped);
        }

        return images.Where(i => !running.Contains(i)).ToList();
    }

    /// <summary>
    /// Asks the node (one <c>minikube image ls</c>) whether it has each image under its tag, records it in the report
    /// (<paramref name="state"/> for those it has), and fails naming those it lacks. Returns the listing.
    /// </summary>
    protected static NodeImages Confirm(BuildContext context, IReadOnlyList<BuiltImage> images, Outcome<DeliveryState> state)
    {
        var profile = context.Config.MinikubeProfile;
        var node = context.MinikubeImageList(context.Minikube(Deadlines.Quick));
        var missing = images.Where(i => !node.Has(i.Reference, i.Id)).ToList();
        foreach (var image in images)
        {
            context.Report.For(image.Service.Name).Delivery = missing.Contains(image) ? new(DeliveryState.NotOnNode) : state;
        }

        if (missing.Count > 0)
        {
            throw new PipelineException(string.Join("\n", missing.Select(image =>
                $"The node has {node.IdOf(image.Reference)?.Short ?? "nothing"} under {image.Reference}, not {image.Id.Short}" +
                (state.State == DeliveryState.Loaded ? " (minikube image load exited 0 all the same)" : "") +
                $". Check with: minikube -p {profile} image ls.")));
        }

        return node;
    }

    public override string? ImageHint(PodProblem problem, HintContext where) => problem.Reason switch
    {
        "ErrImageNeverPull" => $"The image is not on the minikube node. Check that it was loaded: minikube -p {where.Profile} image ls.",
        _ => "The node tried to pull the image from a registry. Images loaded with minikube image load need imagePullPolicy: IfNotPresent or Never " +
             "(the default for :latest is Always).",
    };
}
