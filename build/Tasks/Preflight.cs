using System.Diagnostics;
using Build.Configuration;
using Build.Delivery;
using Build.Infrastructure;
using Build.Kubernetes;
using Build.Minikube;
using Build.Tools;
using Cake.Core.Diagnostics;
using Cake.Frosting;

namespace Build.Tasks;

[TaskName(nameof(Preflight))]
[IsDependentOn(typeof(ClusterLock))]
[TaskDescription("Checks the cluster before anything is built: the minikube profile runs, the cluster answers, the namespace, deployments and containers exist. Reads the deployments for the later tasks.")]
[UsesServicesFile]
public sealed class Preflight : AsyncFrostingTask<BuildContext>, IPlannedTask
{
    public override async Task RunAsync(BuildContext context)
    {
        var clock = Stopwatch.StartNew();
        var config = context.Config;
        var usesMinikube = DeliveryRequest.For(config, context.Intent).UsesMinikube;
        var touchesCluster = context.Intent.ChangesCluster;
        var needsDeployments = context.Intent.ReadsDeploymentsFirst;

        // Whether the profile runs, without a minikube process where a cheaper true source exists (minikube status
        // costs about 0.3 s on a real profile): its config.json says it exists, and an API server that answers on
        // the profile's own context (minikube names it after the profile) says it runs. minikube status is asked
        // only when those cannot tell: another context, no cluster call in this run, no readable config, or a
        // cluster that did not answer (then it says why: stopped, paused, deleted).
        var profileConfig = usesMinikube ? context.ReadProfileConfig() : null;
        var answerTellsRunning = touchesCluster && config.KubeContext == config.MinikubeProfile;
        var statusFirst = usesMinikube && (!answerTellsRunning || profileConfig!.State != ProfileConfigState.Read);

        // Independent processes, each with a short deadline: run them at once.
        var kubectl = context.Kubectl(Deadlines.Preflight, Deadlines.PreflightRequest);
        var profile = Check(statusFirst, () => context.MinikubeStatus(context.Minikube(Deadlines.Preflight)), "minikube status");
        var @namespace = Check(touchesCluster, () => context.KubectlGetJson(kubectl, "namespace", config.Namespace), "kubectl", config, context.KubeconfigFacts);
        var deployments = Check(context.Intent.ReadsDeployments || needsDeployments, () => context.KubectlGetDeployments(kubectl), "kubectl", config, context.KubeconfigFacts);

        var problems = new List<string>();
        var (namespaceObject, clusterProblem) = await @namespace;
        var (status, statusProblem) = await profile;
        if (usesMinikube && !statusFirst && clusterProblem is not null)
        {
            (status, statusProblem) = await Check(true, () => context.MinikubeStatus(context.Minikube(Deadlines.Preflight)), "minikube status");
        }

        var profileProblem = statusProblem ?? PreflightChecks.ProfileProblem(config.MinikubeProfile, profileConfig, status);
        if (profileProblem is not null && (status?.State is ProfileState.Stopped or ProfileState.Missing || profileConfig?.State == ProfileConfigState.Unreadable))
        {
            // The cluster's problems follow from the profile's: say only that, in one line.
            throw new BuildInputException(profileProblem);
        }

        problems.AddIfSome(profileProblem);
        if (usesMinikube && status is null && statusProblem is null && !context.MinikubeIsInstalled(context.Minikube(Deadlines.Preflight)))
        {
            problems.Add(new ToolNotFoundException("minikube").Message);
        }

        problems.AddIfSome(clusterProblem);
        var (found, deploymentsProblem) = await deployments;
        if (clusterProblem is null && needsDeployments)
        {
            problems.AddRange(namespaceObject is null
                ? [PreflightChecks.NamespaceProblem(config)]
                : deploymentsProblem is not null ? [deploymentsProblem] : PreflightChecks.DeploymentProblems(config, found!));
        }

        if (problems.Count == 0 && context.LeaseProblem is { } lease)
        {
            // The cluster answers now, but it did not when ClusterLock asked it for the lock: never run without it.
            problems.Add($"Could not take the redeploy lock (Lease {RedeployLease.Name} in namespace {config.Namespace}): {PreflightChecks.ClusterProblem(config, lease, context.KubeconfigFacts)}");
        }

        if (problems.Count > 0)
        {
            throw new BuildInputException(string.Join("\n", problems.Distinct()));
        }

        // Outside a run that needs them, the deployments are a hint only (a namespace Deploy has yet to create has none).
        context.Cluster = new ClusterState(deploymentsProblem is null ? found ?? new Dictionary<string, DeploymentInfo>() : new Dictionary<string, DeploymentInfo>());
        context.Log.Verbose("Preflight: minikube profile {0}: {1}.", config.MinikubeProfile,
            !usesMinikube ? "not used" : status is not null ? $"minikube status: {status.Detail}" : $"{profileConfig!.Path} read, and its API server answers");
        context.Log.Information("Preflight: {0} ({1:0.0}s).", Summary(config, usesMinikube, touchesCluster, needsDeployments && found is not null), clock.Elapsed.TotalSeconds);
    }

    public IEnumerable<string> DescribePlan(BuildContext context)
    {
        yield return "Preflight: checks the Docker daemon, the minikube profile, the cluster, the namespace and the deployments before building.";
    }

    private static string Summary(RedeployConfig config, bool usesMinikube, bool touchesCluster, bool deploymentsChecked)
    {
        var parts = new List<string>();
        if (usesMinikube)
        {
            parts.Add($"minikube profile {config.MinikubeProfile} runs");
        }

        if (touchesCluster)
        {
            parts.Add($"kube context {config.KubeContext} answers");
        }

        if (deploymentsChecked)
        {
            parts.Add($"namespace {config.Namespace} has {string.Join(", ", config.Services.Select(s => s.Deployment).Distinct())}");
        }

        return parts.Count == 0 ? "nothing to check" : string.Join("; ", parts);
    }

    /// <summary>
    /// Runs a check on the thread pool (when <paramref name="wanted"/>); its result, or the problem that kept it from
    /// giving one (a missing tool, a failed or hung call), worded for the user.
    /// </summary>
    private static Task<(T? Value, string? Problem)> Check<T>(bool wanted, Func<T> read, string tool, RedeployConfig? cluster = null, Func<KubeconfigFacts>? kubeconfig = null) =>
        !wanted ? Task.FromResult<(T?, string?)>((default, null)) : Task.Run<(T?, string?)>(() =>
        {
            try
            {
                return (read(), null);
            }
            catch (ToolNotFoundException missing)
            {
                return (default, missing.Message);
            }
            catch (Exception failure) when (cluster is not null && failure is ToolFailedException or ToolTimeoutException)
            {
                return (default, PreflightChecks.ClusterProblem(cluster, failure, kubeconfig));
            }
            catch (Exception failure) when (failure is ToolFailedException or ToolTimeoutException or FormatException)
            {
                return (default, $"{tool} failed: {failure.Message}");
            }
        });
}

internal static class ProblemList
{
    public static void AddIfSome(this List<string> problems, string? problem)
    {
        if (problem is not null)
        {
            problems.Add(problem);
        }
    }
}
