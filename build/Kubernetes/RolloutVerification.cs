using System.Text.Json.Nodes;
using Build.Infrastructure;
using Build.Tools;
using Cake.Core.Diagnostics;

namespace Build.Kubernetes;

/// <summary>
/// After a rollout: do the pods run the image just built? One pods list answers for every deployment; a pod's
/// <c>imageID</c> must be the built image (<c>docker://sha256:ID</c>), or the pushed manifest digest for registry delivery.
/// </summary>
public static class RolloutVerification
{
    /// <summary>The pods of the step's deployment (not being deleted) that do not run its image, as "pod: imageID"; empty when all do.</summary>
    public static IReadOnlyList<string> PodsNotRunning(JsonNode pods, RolloutStep step) =>
        PodReport.PodsNotRunning(PodReport.Select(pods, step.Deployment.Selector), step.Image.Service.Container, step.Image.RunsIn);

    /// <summary>
    /// Checks every rolled-out deployment against the pods (those the rollout watch saw, else one pods list), records
    /// each outcome, and returns what is wrong (a failure to read the pods is one of those).
    /// </summary>
    public static IReadOnlyList<string> Run(BuildContext context, IReadOnlyList<RolloutStep> rolled, TimeSpan elapsed, JsonNode? watchedPods = null)
    {
        JsonNode pods;
        try
        {
            pods = watchedPods ?? context.KubectlGetJson(context.Kubectl(Infrastructure.Deadlines.Quick, Infrastructure.Deadlines.DiagnosisRequest), "pods")!;
        }
        catch (Exception failure) when (failure is ToolFailedException or ToolTimeoutException)
        {
            return [$"Rolled out, but the pods could not be checked: {PreflightChecks.ClusterProblem(context.Config, failure)}"];
        }

        var wrong = new List<string>();
        var unscaled = new List<RolloutStep>();
        foreach (var step in rolled)
        {
            var report = context.Report.For(step.Image.Service.Name);
            var notRunning = PodsNotRunning(pods, step);
            if (notRunning.Count > 0)
            {
                report.Rollout = new(RolloutResult.WrongImage);
                wrong.Add($"{step.Resource} rolled out, but not every pod runs the image just built ({step.Image.PushedDigest ?? step.Image.Id.Short}): {string.Join("; ", notRunning)}.");
                continue;
            }

            if (step.Deployment.Replicas == 0)
            {
                report.Rollout = new(RolloutResult.RolledOut, "0 replicas, nothing runs the new image", elapsed);
                unscaled.Add(step);
                continue;
            }

            report.Rollout = new(RolloutResult.RolledOut, Took: elapsed);
            context.Log.Information("Rollout: {0}: {1} pod(s) run {2} ({3}).", step.Resource,
                PodReport.CountPods(PodReport.Select(pods, step.Deployment.Selector)), step.Image.Reference, step.Image.Id.Short);
        }

        if (unscaled.Count == 1)
        {
            context.Log.Warning("Rollout: {0} has 0 replicas: nothing runs {1}. Scale it up: kubectl scale {0} --replicas=1.", unscaled[0].Resource, unscaled[0].Image.Reference);
        }
        else if (unscaled.Count > 1)
        {
            context.Log.Warning("Rollout: {0} have 0 replicas: nothing runs their new images. Scale them up: kubectl scale deployment NAME --replicas=1.",
                Listing.Few(unscaled.Select(s => s.Resource).ToList()));
        }

        return wrong;
    }
}
