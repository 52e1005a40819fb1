using Build.Docker;
using Build.Infrastructure;

namespace Build.Kubernetes;

public enum RolloutAction
{
    /// <summary>The deployment already runs the built image: nothing to do.</summary>
    Unchanged,

    /// <summary><c>kubectl set image</c> to the built tag.</summary>
    SetImage,

    /// <summary>The image is already set, but --force-restart asks for new pods: <c>kubectl rollout restart</c>.</summary>
    Restart,

    /// <summary>ApplyManifests just set the image: only wait.</summary>
    Applied,

    /// <summary>
    /// The deployment already runs the built image, but its rollout is not complete (an earlier run's crash loop, a
    /// killed run's rollout still going, a progress deadline): wait for it and judge it as if this run had changed it.
    /// </summary>
    Converge,
}

/// <summary>
/// What Rollout does for one service. <see cref="Containers"/> are the deployment's containers and init containers
/// that get the built image: the service's own and any other that runs the service's image repository.
/// </summary>
public sealed record RolloutStep(BuiltImage Image, DeploymentInfo Deployment, string CurrentImage, RolloutAction Action)
{
    public IReadOnlyList<string> Containers { get; init; } = [Image.Service.Container];

    public string Resource => $"deployment/{Deployment.Name}";

    public bool ChangesCluster => Action is RolloutAction.SetImage or RolloutAction.Restart;

    public bool Waits => Action != RolloutAction.Unchanged;
}

/// <summary>Decides, from plain values, which deployments a rollout changes and how.</summary>
public static class RolloutPlan
{
    public static IReadOnlyList<RolloutStep> For(
        IEnumerable<BuiltImage> images,
        IReadOnlyDictionary<string, DeploymentInfo> deployments,
        IReadOnlySet<string> justApplied,
        bool forceRestart,
        string configFile)
    {
        var steps = new List<RolloutStep>();
        foreach (var image in images)
        {
            var service = image.Service;
            var deployment = deployments.GetValueOrDefault(service.Deployment)
                ?? throw new PipelineException(
                    $"Deployment {service.Deployment} (service {service.Name}) does not exist. Create it first: ./build.sh --target=Deploy applies the manifests in the services file.");
            var container = deployment.Container(service.Container)
                ?? throw new PipelineException(
                    $"Deployment {service.Deployment} has no container named {service.Container} (it has {string.Join(", ", deployment.Containers.Select(c => c.Name))}); " +
                    $"set \"container\" for service {service.Name} in {Path.GetFileName(configFile)}.");
            var repository = Manifests.Repository(service.Image);
            var targets = deployment.InitContainers.Concat(deployment.Containers)
                .Where(c => c.Name == service.Container || Manifests.Repository(c.Image) == repository)
                .ToList();
            var action = targets.Any(c => c.Image != image.Reference) ? RolloutAction.SetImage
                : justApplied.Contains(service.Deployment) ? RolloutAction.Applied
                : forceRestart ? RolloutAction.Restart
                : deployment.Rollout.Phase != RolloutPhase.Complete ? RolloutAction.Converge
                : RolloutAction.Unchanged;
            steps.Add(new RolloutStep(image, deployment, container.Image, action) { Containers = targets.Select(c => c.Name).ToList() });
        }

        return steps;
    }
}
