using Build.Docker;
using Build.Infrastructure;
using Build.Kubernetes;
using Build.Tasks;
using Build.Tools;

namespace Build;

/// <summary>
/// What a run would do, for <c>--dryrun</c>. Reads (config.json, the services file, the deployments with one
/// short-deadline <c>kubectl get</c>, run with the build's own environment since no task ran) and changes nothing.
/// </summary>
public static class RedeployPlan
{
    public static IEnumerable<string> Describe(BuildContext context, IReadOnlyCollection<string> tasks)
    {
        if (tasks.Contains(nameof(CredsFallback)))
        {
            var decision = DockerConfigFallback.Decide(context.FallbackInputs);
            yield return $"CredsFallback: would {(decision.Apply ? "apply" : "skip")}: {decision.Reason}.";
        }

        if (tasks.Contains(nameof(ClusterLock)))
        {
            yield return $"ClusterLock: one run at a time for namespace {context.Config.Namespace} of context {context.Config.KubeContext} " +
                (context.Settings.LockTimeout == TimeSpan.Zero ? "(another run is refused)." : $"(waits up to {KubectlRunner.Seconds(context.Settings.LockTimeout)} for another run).");
        }

        if (tasks.Contains(nameof(Preflight)))
        {
            yield return "Preflight: checks the Docker daemon, the minikube profile, the cluster, the namespace and the deployments before building.";
        }

        if (tasks.Contains(nameof(ImageDelivery)))
        {
            yield return "ImageDelivery: " + Delivery(context);
        }

        if (!tasks.Contains(nameof(DockerBuild)))
        {
            yield break;
        }

        var config = context.Config;
        var root = context.Environment.WorkingDirectory.FullPath;
        foreach (var service in config.Services)
        {
            var options = string.Concat(service.BuildOptions().Select(o => $" --{o[..o.IndexOf('=')]} {o[(o.IndexOf('=') + 1)..]}"));
            yield return $"DockerBuild: {service.Name}: docker build --file {Path.GetRelativePath(root, service.Dockerfile)}{options} {Path.GetRelativePath(root, service.Context)} " +
                $"-> {service.Image}:latest and {service.Image}:id-<first 16 hex digits of the image ID>, unless its inputs did not change";
        }

        if (tasks.Contains(nameof(MinikubeImageLoad)))
        {
            yield return $"MinikubeImageLoad: for load delivery, minikube -p {config.MinikubeProfile} image load --daemon of each image the node does not already have under that ID; " +
                "for docker-env, a check that the node has them; for registry, nothing (DockerBuild pushes).";
        }

        if (tasks.Contains(nameof(ApplyManifests)))
        {
            yield return $"ApplyManifests: kubectl apply of {string.Join(", ", config.Manifests.Select(m => Path.GetRelativePath(root, m)))} " +
                $"(images set to the built id- tags; namespace {config.Namespace} created if missing).";
        }

        if (tasks.Contains(nameof(Rollout)))
        {
            var deployments = CurrentDeployments(context);
            foreach (var service in config.Services)
            {
                var now = deployments is null ? "(could not ask the cluster)"
                    : deployments.GetValueOrDefault(service.Deployment) is not { } deployment ? "(deployment not found)"
                    : deployment.Container(service.Container)?.Image ?? $"no container {service.Container}";
                yield return $"Rollout: deployment/{service.Deployment} container {service.Container} in {config.Namespace} (context {config.KubeContext}): " +
                    $"now runs {now}; set image and wait (up to {KubectlRunner.Seconds(context.Settings.RolloutTimeout)}) only if the built tag differs" +
                    (context.Settings.ForceRestart ? ", else restart (--force-restart)." : ".");
            }
        }
    }

    /// <summary>The delivery a run would choose, and why; for auto without a registry it asks minikube about the profile.</summary>
    private static string Delivery(BuildContext context)
    {
        var config = context.Config;
        try
        {
            var profile = Build.Delivery.DeliveryChoice.NeedsProfile(config.ImageDelivery, config.Registry)
                ? Minikube.MinikubeAliases.MinikubeProfileInfo(context, context.Minikube(Deadlines.Preflight))
                : null;
            var choice = Build.Delivery.DeliveryChoice.Decide(config.ImageDelivery, config.Registry, profile);
            return $"would use {Build.Delivery.DeliveryChoice.Name(choice.Mode)}: {choice.Reason}" +
                (choice.Registry is { } registry ? $" (tags {registry.Repository("<image>")}:id-<16 hex>)." : ".");
        }
        catch (Exception exception) when (exception is ToolFailedException or ToolNotFoundException or ToolTimeoutException or FormatException or BuildInputException)
        {
            return $"could not tell how images would reach the cluster ({exception.Message.Split('\n')[0]}).";
        }
    }

    private static IReadOnlyDictionary<string, DeploymentInfo>? CurrentDeployments(BuildContext context)
    {
        try
        {
            return context.KubectlGetDeployments(context.Kubectl(Deadlines.Preflight, Deadlines.PreflightRequest));
        }
        catch (Exception exception) when (exception is ToolFailedException or ToolNotFoundException or ToolTimeoutException)
        {
            return null;
        }
    }
}
