using Build.Docker;
using Build.Kubernetes;
using Build.Tools;

namespace Build.Delivery;

/// <summary>A run that delivers no image (<c>--target=DockerBuild</c>): it builds with the local Docker daemon and asks minikube nothing.</summary>
public sealed class LocalDelivery(DeliveryChoice choice, ToolEnvironment docker) : DeliveryStrategy(choice, docker)
{
    public override void Deliver(BuildContext context, IReadOnlyList<BuiltImage> images)
    {
        // Chosen only when MinikubeImageLoad is not in the run.
    }

    public override string DeliverPlan(BuildContext context) => "MinikubeImageLoad: nothing (this run delivers no image).";

    public override string? ImageHint(PodProblem problem, HintContext where) => null;
}
