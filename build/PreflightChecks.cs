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

    /// <summary>
    /// Every service's deployment must exist, have the service's container and not be paused (a paused deployment
    /// starts no rollout). The same problem for several services is one line naming the first few.
    /// </summary>
    public static IEnumerable<string> DeploymentProblems(RedeployConfig config, IReadOnlyDictionary<string, DeploymentInfo> deployments)
    {
        var missing = config.Services.Where(s => !deployments.ContainsKey(s.Deployment)).ToList();
        if (missing.Count == 1)
        {
            yield return $"Deployment {missing[0].Deployment} (service {missing[0].Name}) does not exist in namespace {config.Namespace} of context {config.KubeContext}. " +
                "Create it first: ./build.sh --target=Deploy applies the manifests in the services file.";
        }
        else if (missing.Count > 1)
        {
            yield return $"Deployments {Listing.Few(missing.Select(s => s.Deployment).Distinct().ToList())} do not exist in namespace {config.Namespace} of context {config.KubeContext}. " +
                "Create them first: ./build.sh --target=Deploy applies the manifests in the services file.";
        }

        var withoutContainer = config.Services
            .Where(s => deployments.GetValueOrDefault(s.Deployment) is { } d && d.Container(s.Container) is null)
            .Select(s => (Service: s.Name, Text: $"Deployment {s.Deployment} has no container named {s.Container} (it has {string.Join(", ", deployments[s.Deployment].Containers.Select(c => c.Name))})"))
            .ToList();
        if (withoutContainer.Count > 0)
        {
            var file = Path.GetFileName(config.FilePath);
            var more = withoutContainer.Count > Listing.Shown ? $"; and {withoutContainer.Count - Listing.Shown} more" : "";
            yield return withoutContainer.Count == 1
                ? $"{withoutContainer[0].Text}; set \"container\" for service {withoutContainer[0].Service} in {file}."
                : $"{string.Join("; ", withoutContainer.Take(Listing.Shown).Select(w => w.Text))}{more}: set \"container\" for services {Listing.Few(withoutContainer.Select(w => w.Service).ToList())} in {file}.";
        }

        var paused = config.Services.Select(s => s.Deployment).Distinct().Where(d => deployments.GetValueOrDefault(d)?.Paused == true).Select(d => "deployment/" + d).ToList();
        if (paused.Count > 0)
        {
            var resume = paused.Count <= Listing.Shown
                ? $"kubectl rollout resume {string.Join(" ", paused)} -n {config.Namespace}"
                : $"resume each: kubectl rollout resume deployment/NAME -n {config.Namespace}";
            yield return $"{Listing.Few(paused)} {(paused.Count == 1 ? "is" : "are")} paused ({resume})";
        }
    }
}
