using Build.Infrastructure;
using Build.Kubernetes;
using Build.Minikube;

namespace Build;

/// <summary>
/// Checks, before anything is built, that the run can reach its end: the services file is valid, the kube
/// context is the minikube profile's (or explicitly allowed), the profile runs, and kubectl knows the context.
/// Each problem comes with what to do about it.
/// </summary>
public static class Preflight
{
    private static readonly string[] UsesConfig = ["DockerBuild", "MinikubeImageLoad", "Rollout", "ApplyManifests"];
    private static readonly string[] UsesMinikube = ["MinikubeImageLoad", "Rollout", "ApplyManifests"];
    private static readonly string[] UsesKubectl = ["Rollout", "ApplyManifests"];

    public static IReadOnlyList<string> Problems(BuildContext context, IReadOnlyCollection<string> tasks)
    {
        if (!tasks.Intersect(UsesConfig).Any())
        {
            return [];
        }

        var config = context.Config; // a bad services file throws here, before anything runs
        var problems = new List<string>();
        if (tasks.Intersect(UsesKubectl).Any() && ContextProblem(config.KubeContext, config.MinikubeProfile, context.Settings.AllowContext) is { } refusal)
        {
            return [refusal]; // nothing else matters: the run must not touch that cluster
        }

        // The checks are independent processes: run them at once.
        var profile = tasks.Intersect(UsesMinikube).Any()
            ? Task.Run(() => Checked(() => ProfileProblem(config.MinikubeProfile, context.MinikubeStatus(config.MinikubeProfile))))
            : Task.FromResult<IEnumerable<string>>([]);
        var kubeContext = tasks.Intersect(UsesKubectl).Any()
            ? Task.Run(() => Checked(() =>
                context.KubectlContexts(context.Kubectl()).Contains(config.KubeContext)
                    ? null
                    : $"kube context {config.KubeContext} is not in your kubeconfig. Run: minikube -p {config.MinikubeProfile} update-context (or pass --{ArgumentNames.KubeContext.Name}=NAME)."))
            : Task.FromResult<IEnumerable<string>>([]);
        problems.AddRange(profile.GetAwaiter().GetResult());
        problems.AddRange(kubeContext.GetAwaiter().GetResult());
        return problems;
    }

    /// <summary>
    /// A redeploy must never restart deployments in a cluster it was not meant for: the context has to be the
    /// minikube profile's (minikube names it after the profile), unless --allow-context names it.
    /// </summary>
    public static string? ContextProblem(string kubeContext, string profile, string? allowed) =>
        kubeContext == profile || kubeContext == allowed
            ? null
            : $"Refusing to deploy to kube context {kubeContext}: it is not the context of minikube profile {profile}. " +
              $"If {kubeContext} really is a local cluster you mean to redeploy to, pass --{ArgumentNames.AllowContext.Name}={kubeContext}.";

    public static string? ProfileProblem(string profile, MinikubeStatus status) => status.State switch
    {
        ProfileState.Running => null,
        ProfileState.Stopped => $"minikube profile {profile} is not running ({status.Detail}). Start it: minikube start -p {profile}",
        ProfileState.Missing => $"minikube profile {profile} does not exist. Create it with minikube start -p {profile}, or pass --{ArgumentNames.MinikubeProfile.Name}=NAME (see minikube profile list).",
        _ => $"could not tell whether minikube profile {profile} runs ({status.Detail}).",
    };

    /// <summary>A missing tool is a problem to report with the others, not a crash.</summary>
    private static IEnumerable<string> Checked(Func<string?> check)
    {
        string? problem;
        try
        {
            problem = check();
        }
        catch (BuildInputException missingTool)
        {
            problem = missingTool.Message;
        }

        return problem is null ? [] : [problem];
    }
}
