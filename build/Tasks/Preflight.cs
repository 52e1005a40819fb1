using System.Diagnostics;
using Build.Docker;
using Build.Infrastructure;
using Build.Kubernetes;
using Build.Minikube;
using Build.Tools;
using Cake.Core.Diagnostics;
using Cake.Frosting;

namespace Build.Tasks;

[TaskName(nameof(Preflight))]
[IsDependentOn(typeof(ClusterLock))]
[TaskDescription("Checks, before anything is built, what can be known: the Docker daemon answers, the minikube profile runs, the cluster answers, the namespace, deployments and containers exist. Reads the deployments and the node's images for the later tasks.")]
public sealed class Preflight : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context)
    {
        var clock = Stopwatch.StartNew();
        var config = context.Config;
        var builds = context.TasksToRun.Contains(nameof(DockerBuild));
        var loads = context.TasksToRun.Contains(nameof(MinikubeImageLoad));
        var touchesCluster = context.TasksToRun.Contains(nameof(Rollout)) || context.TasksToRun.Contains(nameof(ApplyManifests));
        var needsDeployments = context.TasksToRun.Contains(nameof(Rollout)) && !context.TasksToRun.Contains(nameof(ApplyManifests));

        // Independent processes, each with a short deadline: run them at once.
        var docker = builds ? Task.Run(() => context.DockerVersion(context.ToolEnvironment, Deadlines.Preflight)) : null;
        var profile = loads ? Task.Run(() => context.MinikubeStatus(context.Minikube(Deadlines.Preflight))) : null;
        var nodeImages = loads ? Task.Run(() => context.MinikubeImageList(context.Minikube(Deadlines.Preflight))) : null;
        var kubectl = context.Kubectl(Deadlines.Preflight, Deadlines.PreflightRequest);
        var @namespace = touchesCluster ? Task.Run(() => context.KubectlGetJson(kubectl, "namespace", config.Namespace)) : null;
        var deployments = needsDeployments ? Task.Run(() => context.KubectlGetDeployments(kubectl)) : null;

        var problems = new List<string>();
        var (version, dockerMissing) = Outcome(docker, "docker");
        problems.AddIfSome(dockerMissing ?? (version is null ? null : PreflightChecks.DockerProblem(version.Server, version.Problem)));

        var (status, statusProblem) = Outcome(profile, "minikube status");
        var profileProblem = statusProblem ?? (status is null ? null : PreflightChecks.ProfileProblem(config.MinikubeProfile, status));
        problems.AddIfSome(profileProblem);
        var (images, imagesProblem) = Outcome(nodeImages, "minikube image ls");
        problems.AddIfSome(profileProblem is null ? imagesProblem : null);

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

        context.Cluster = new ClusterState(found ?? new Dictionary<string, DeploymentInfo>(), images);
        context.Log.Information("Preflight: {0} ({1:0.0}s).", Summary(context, version, loads, touchesCluster, found?.Count ?? 0), clock.Elapsed.TotalSeconds);
    }

    private static string Summary(BuildContext context, DockerVersions? docker, bool loads, bool touchesCluster, int deployments)
    {
        var config = context.Config;
        var parts = new List<string>();
        if (docker is { Server: { } server })
        {
            parts.Add($"Docker daemon {server} answers");
        }

        if (loads)
        {
            parts.Add($"minikube profile {config.MinikubeProfile} runs");
        }

        if (touchesCluster)
        {
            parts.Add($"kube context {config.KubeContext} answers");
        }

        if (deployments > 0)
        {
            parts.Add($"namespace {config.Namespace} has {string.Join(", ", config.Services.Select(s => s.Deployment).Distinct())}");
        }

        return string.Join("; ", parts);
    }

    /// <summary>A check's result, or the problem that kept it from giving one (a missing tool, a failed or hung call).</summary>
    private static (T? Value, string? Problem) Outcome<T>(Task<T>? check, string tool, Configuration.RedeployConfig? cluster = null)
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
