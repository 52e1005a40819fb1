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
public sealed class Preflight : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context)
    {
        var clock = Stopwatch.StartNew();
        var config = context.Config;
        var usesMinikube = !DeliveryChoice.AvoidsMinikube(config.ImageDelivery, config.Registry) &&
            (context.TasksToRun.Contains(nameof(MinikubeImageLoad)) || (context.TasksToRun.Contains(nameof(ImageDelivery)) && config.ImageDelivery == DeliveryMode.DockerEnv));
        var touchesCluster = context.TasksToRun.Contains(nameof(Rollout)) || context.TasksToRun.Contains(nameof(ApplyManifests));
        var needsDeployments = context.TasksToRun.Contains(nameof(Rollout)) && !context.TasksToRun.Contains(nameof(ApplyManifests));

        // Independent processes, each with a short deadline: run them at once.
        var kubectl = context.Kubectl(Deadlines.Preflight, Deadlines.PreflightRequest);
        var profile = usesMinikube ? Task.Run(() => context.MinikubeStatus(context.Minikube(Deadlines.Preflight))) : null;
        var @namespace = touchesCluster ? Task.Run(() => context.KubectlGetJson(kubectl, "namespace", config.Namespace)) : null;
        var deployments = needsDeployments ? Task.Run(() => context.KubectlGetDeployments(kubectl)) : null;

        var problems = new List<string>();
        var (status, statusProblem) = Outcome(profile, "minikube status");
        problems.AddIfSome(statusProblem ?? (status is null ? null : PreflightChecks.ProfileProblem(config.MinikubeProfile, status)));

        var (namespaceObject, clusterProblem) = Outcome(@namespace, "kubectl", config);
        problems.AddIfSome(clusterProblem);
        var (found, deploymentsProblem) = Outcome(deployments, "kubectl", config);
        if (clusterProblem is null && needsDeployments)
        {
            problems.AddRange(namespaceObject is null
                ? [PreflightChecks.NamespaceProblem(config)]
                : deploymentsProblem is not null ? [deploymentsProblem] : PreflightChecks.DeploymentProblems(config, found!));
        }

        if (problems.Count > 0)
        {
            throw new BuildInputException(string.Join("\n", problems.Distinct()));
        }

        context.Cluster = new ClusterState(found ?? new Dictionary<string, DeploymentInfo>());
        context.Log.Information("Preflight: {0} ({1:0.0}s).", Summary(config, usesMinikube, touchesCluster, found is not null), clock.Elapsed.TotalSeconds);
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

    /// <summary>A check's result, or the problem that kept it from giving one (a missing tool, a failed or hung call).</summary>
    private static (T? Value, string? Problem) Outcome<T>(Task<T>? check, string tool, RedeployConfig? cluster = null)
    {
        if (check is null)
        {
            return (default, null);
        }

        try
        {
            return (check.GetAwaiter().GetResult(), null);
        }
        catch (ToolNotFoundException missing)
        {
            return (default, missing.Message);
        }
        catch (Exception failure) when (cluster is not null && failure is ToolFailedException or ToolTimeoutException)
        {
            return (default, PreflightChecks.ClusterProblem(cluster, failure));
        }
        catch (Exception failure) when (failure is ToolFailedException or ToolTimeoutException or FormatException)
        {
            return (default, $"{tool} failed: {failure.Message}");
        }
    }
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
