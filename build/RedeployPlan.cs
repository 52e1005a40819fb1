using Build.Docker;
using Build.Kubernetes;

namespace Build;

/// <summary>What a run would do, for <c>--dryrun</c>. Reads (config.json, the services file, deployments) and changes nothing.</summary>
public static class RedeployPlan
{
    public static IEnumerable<string> Describe(BuildContext context, IReadOnlyCollection<string> tasks)
    {
        if (tasks.Contains("CredsFallback"))
        {
            var decision = DockerConfigFallback.Decide(context.FallbackInputs);
            yield return $"CredsFallback: would {(decision.Apply ? "apply" : "skip")}: {decision.Reason}.";
        }

        if (!tasks.Contains("DockerBuild"))
        {
            yield break;
        }

        var config = context.Config;
        var root = context.Environment.WorkingDirectory.FullPath;
        foreach (var service in config.Services)
        {
            yield return $"DockerBuild: {service.Name}: docker build --file {Path.GetRelativePath(root, service.Dockerfile)} {Path.GetRelativePath(root, service.Context)} " +
                $"-> {service.Image}:latest and {service.Image}:id-<first 16 hex digits of the image ID>";
        }

        if (tasks.Contains("MinikubeImageLoad"))
        {
            yield return $"MinikubeImageLoad: minikube -p {config.MinikubeProfile} image load --daemon, for each image the node does not already have under that ID.";
        }

        if (tasks.Contains("ApplyManifests"))
        {
            yield return $"ApplyManifests: kubectl apply of {string.Join(", ", config.Manifests.Select(m => Path.GetRelativePath(root, m)))} " +
                $"(images set to the built id- tags; namespace {config.Namespace} created if missing).";
        }

        if (tasks.Contains("Rollout"))
        {
            foreach (var service in config.Services)
            {
                yield return $"Rollout: deployment/{service.Deployment} container {service.Container} in {config.Namespace} (context {config.KubeContext}): " +
                    $"now runs {CurrentImage(context, service.Deployment, service.Container)}; set image and wait (--timeout={Kubernetes.KubectlRunner.Seconds(context.Settings.RolloutTimeout)}) only if the built tag differs" +
                    (context.Settings.ForceRestart ? ", else restart (--force-restart)." : ".");
            }
        }
    }

    private static string CurrentImage(BuildContext context, string deployment, string container)
    {
        try
        {
            return context.KubectlGetJson(context.Kubectl(), "deployment", deployment) is { } json
                ? DeploymentInfo.Parse(json).Container(container)?.Image ?? $"no container {container}"
                : "(deployment not found)";
        }
        catch (Exception exception) when (exception is Tools.ToolFailedException or Infrastructure.BuildInputException or Tools.ToolTimeoutException)
        {
            return "(could not ask the cluster)";
        }
    }
}
