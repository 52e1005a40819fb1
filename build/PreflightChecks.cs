using Build.Configuration;
using Build.Infrastructure;
using Build.Kubernetes;
using Build.Minikube;
using Build.Tools;

namespace Build;

/// <summary>
/// The judgements Preflight and Setup make, as pure functions of what the tools said: each returns null when
/// all is well, or one line that says what is wrong and what to do.
/// </summary>
public static class PreflightChecks
{
    /// <summary>
    /// A redeploy must never restart deployments in a cluster it was not meant for: the context has to be the
    /// minikube profile's (minikube names it after the profile), unless --allow-context names it.
    /// </summary>
    public static string? ContextProblem(string kubeContext, string profile, string? allowed) =>
        kubeContext == profile || kubeContext == allowed
            ? null
            : $"Refusing to deploy to kube context {kubeContext}: it is not the context of minikube profile {profile}. " +
              $"If {kubeContext} really is a local cluster you mean to redeploy to, pass --{ArgumentNames.AllowContext}={kubeContext}.";

    public static string? ProfileProblem(string profile, MinikubeStatus status) => status.State switch
    {
        ProfileState.Running => null,
        ProfileState.Stopped => $"minikube profile {profile} is not running ({status.Detail}). Start it: minikube start -p {profile}",
        ProfileState.Missing => $"minikube profile {profile} does not exist. Create it with minikube start -p {profile}, or pass --{ArgumentNames.MinikubeProfile}=NAME (see minikube profile list).",
        _ => $"could not tell whether minikube profile {profile} runs ({status.Detail}).",
    };

    /// <summary>
    /// The profile's problem from what was learnt of it: <paramref name="status"/> when minikube status was asked
    /// (the API server did not answer, or could not tell), else the config file: a readable one and an answering API
    /// server mean it runs. A config that cannot be read is the problem when minikube status did not find it running.
    /// </summary>
    public static string? ProfileProblem(string profile, ProfileConfig? config, MinikubeStatus? status) =>
        config?.State == ProfileConfigState.Unreadable && status?.State != ProfileState.Running
            ? $"minikube profile {profile} has a config.json that cannot be read ({config.Path}: {config.Problem}). " +
              $"Recreate the profile: minikube delete -p {profile}, then minikube start -p {profile}."
            : status is null ? null : ProfileProblem(profile, status);

    public static string? DockerProblem(string? server, string? problem) =>
        server is not null
            ? null
            : $"The Docker daemon does not answer ({problem}). Start Docker, or check DOCKER_HOST and the docker context (docker context ls).";

    /// <summary>Why kubectl could not read the cluster, worded for the user.</summary>
    public static string ClusterProblem(RedeployConfig config, Exception failure) => failure switch
    {
        ToolFailedException { Result: var result } when KubectlErrors.IsUnknownContext(result) =>
            $"kube context {config.KubeContext} is not in your kubeconfig. Run: minikube -p {config.MinikubeProfile} update-context (or pass --{ArgumentNames.KubeContext}=NAME).",
        ToolFailedException { Result: var result } when KubectlErrors.IsUnreachable(result) =>
            $"The cluster of kube context {config.KubeContext} did not answer: {result.LastLines(1).FirstOrDefault()?.Trim()} Check it: minikube -p {config.MinikubeProfile} status",
        ToolTimeoutException timeout =>
            $"The cluster of kube context {config.KubeContext} did not answer within {timeout.Timeout.TotalSeconds:0}s (its API server hangs). Check it: minikube -p {config.MinikubeProfile} status",
        ToolFailedException { Result: var result } =>
            $"kubectl could not read the cluster of kube context {config.KubeContext}: {string.Join(" ", result.LastLines(2))}",
        _ => failure.Message,
    };

    public static string NamespaceProblem(RedeployConfig config) =>
        $"Namespace {config.Namespace} does not exist in kube context {config.KubeContext}. Create it and the deployments: ./build.sh --target=Deploy (or pass --{ArgumentNames.Namespace}=NAME).";

    /// <summary>Every service's deployment must exist and have the service's container.</summary>
    public static IEnumerable<string> DeploymentProblems(RedeployConfig config, IReadOnlyDictionary<string, DeploymentInfo> deployments)
    {
        foreach (var service in config.Services)
        {
            if (!deployments.TryGetValue(service.Deployment, out var deployment))
            {
                yield return $"Deployment {service.Deployment} (service {service.Name}) does not exist in namespace {config.Namespace} of context {config.KubeContext}. " +
                    "Create it first: ./build.sh --target=Deploy applies the manifests in the services file.";
            }
            else if (deployment.Container(service.Container) is null)
            {
                yield return $"Deployment {service.Deployment} has no container named {service.Container} (it has {string.Join(", ", deployment.Containers.Select(c => c.Name))}); " +
                    $"set \"container\" for service {service.Name} in {Path.GetFileName(config.FilePath)}.";
            }
        }
    }
}
