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
public static partial class PreflightChecks
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

    /// <summary>Why docker could not reach its daemon: no daemon, or no permission on its socket (the docker group's).</summary>
    public static string? DockerProblem(string? server, string? problem)
    {
        if (server is not null)
        {
            return null;
        }

        if (problem is not null && problem.Contains("permission denied", StringComparison.OrdinalIgnoreCase))
        {
            var socket = SocketPattern().Match(problem) is { Success: true } match ? match.Groups[1].Value : "the Docker socket";
            return $"No permission to use the Docker socket {socket}: add your user to the docker group (sudo usermod -aG docker $USER, then log in again), " +
                "or make the socket readable and writable for you.";
        }

        return $"The Docker daemon does not answer ({problem}). Start Docker, or check DOCKER_HOST and the docker context (docker context ls).";
    }

    /// <summary>
    /// What is wrong with the kubeconfig kubectl reads, when a context is not found: kubectl skips a KUBECONFIG file
    /// that does not exist without a word, so a typo there looks like a missing context.
    /// </summary>
    public static string? KubeconfigProblem(string? kubeconfig, string? home, Func<string, bool> exists)
    {
        if (kubeconfig is not null)
        {
            var files = kubeconfig.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
            return files.Any(exists)
                ? null
                : $"KUBECONFIG names {string.Join(", ", files)}, which does not exist, so kubectl has no contexts. Point KUBECONFIG at your kubeconfig file, or unset it to use ~/.kube/config.";
        }

        var standard = Path.Combine(home ?? "~", ".kube", "config");
        return exists(standard) ? null : $"kubectl has no kubeconfig: {standard} does not exist. minikube start writes it; or set KUBECONFIG to your kubeconfig file.";
    }

    /// <summary>Why kubectl could not read the cluster, worded for the user; <paramref name="kubeconfig"/> is asked only when the context is not found.</summary>
    public static string ClusterProblem(RedeployConfig config, Exception failure, Func<KubeconfigFacts>? kubeconfig = null) => failure switch
    {
        ToolFailedException { Result: var result } when KubectlErrors.IsUnknownContext(result) =>
            UnknownContextProblem(config, kubeconfig?.Invoke() ?? new KubeconfigFacts(null, null)),
        ToolFailedException { Result: var result } when KubectlErrors.IsUnreachable(result) =>
            $"The cluster of kube context {config.KubeContext} did not answer: {result.LastLines(1).FirstOrDefault()?.Trim()} Check it: minikube -p {config.MinikubeProfile} status",
        ToolTimeoutException timeout =>
            $"The cluster of kube context {config.KubeContext} did not answer within {timeout.Timeout.TotalSeconds:0}s (its API server hangs). Check it: minikube -p {config.MinikubeProfile} status",
        ToolFailedException { Result: var result } =>
            $"kubectl could not read the cluster of kube context {config.KubeContext}: {string.Join(" ", result.LastLines(2))}",
        _ => failure.Message,
    };

    /// <summary>The context is not in the kubeconfig: the file is missing, or here are the contexts it has.</summary>
    public static string UnknownContextProblem(RedeployConfig config, KubeconfigFacts kubeconfig)
    {
        if (kubeconfig.Problem is { } problem)
        {
            return $"kube context {config.KubeContext} is not in your kubeconfig: {problem}";
        }

        var has = kubeconfig.Contexts switch
        {
            null => "",
            [] => " (it has no contexts)",
            var names => $" (it has {Listing.Few(names, 10)})",
        };
        return config.KubeContext == config.MinikubeProfile
            ? $"kube context {config.KubeContext} is not in your kubeconfig{has}. Run: minikube -p {config.MinikubeProfile} update-context (or pass --{ArgumentNames.KubeContext}=NAME)."
            : $"kube context {config.KubeContext} is not in your kubeconfig{has}. Pass --{ArgumentNames.KubeContext}=NAME with a context it has (kubectl config get-contexts).";
    }

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

    [System.Text.RegularExpressions.GeneratedRegex(@"(?:socket at |API at |dial unix )(\S+?):? ")]
    private static partial System.Text.RegularExpressions.Regex SocketPattern();
}

/// <summary>What the kubeconfig has, read when a context was not found: a problem with the file, or its contexts (null when unknown).</summary>
public sealed record KubeconfigFacts(string? Problem, IReadOnlyList<string>? Contexts);
