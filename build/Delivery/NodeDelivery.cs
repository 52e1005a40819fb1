using Build.Docker;
using Build.Infrastructure;
using Build.Kubernetes;
using Build.Minikube;
using Build.Tools;

namespace Build.Delivery;

/// <summary>What load and docker-env share: the images end up in the minikube node, and the node is asked whether they did.</summary>
public abstract class NodeDelivery(DeliveryChoice choice, ToolEnvironment docker) : DeliveryStrategy(choice, docker)
{
    /// <summary>
    /// Asks the node (one <c>minikube image ls</c>) whether it has each image under its tag, records it in the report
    /// (<paramref name="state"/> for those it has), and fails naming those it lacks.
    /// </summary>
    protected static void Confirm(BuildContext context, IReadOnlyList<BuiltImage> images, Outcome<DeliveryState> state)
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
    }

    public override string? ImageHint(PodProblem problem, HintContext where) => problem.Reason switch
    {
        "ErrImageNeverPull" => $"The image is not on the minikube node. Check that it was loaded: minikube -p {where.Profile} image ls.",
        _ => "The node tried to pull the image from a registry. Images loaded with minikube image load need imagePullPolicy: IfNotPresent or Never " +
             "(the default for :latest is Always).",
    };
}
