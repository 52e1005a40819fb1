using System.Text.Json.Nodes;

namespace Build.Kubernetes;

public enum RolloutPhase
{
    Waiting,
    Complete,
    Failed,
}

/// <summary>Where one deployment's rollout stands, in the words <c>kubectl rollout status</c> uses.</summary>
public sealed record RolloutState(RolloutPhase Phase, string Message)
{
    public bool IsFinal => Phase != RolloutPhase.Waiting;

    /// <summary>What it waits for, without kubectl's preamble: "1 old replicas are pending termination" from "Waiting for deployment "x" rollout to finish: 1 old replicas are pending termination...".</summary>
    public string Progress
    {
        get
        {
            var message = Message.TrimEnd('.');
            var colon = message.IndexOf(": ", StringComparison.Ordinal);
            return colon >= 0 ? message[(colon + 2)..] : message;
        }
    }

    public static RolloutState Gone(string name) => new(RolloutPhase.Failed, $"deployment \"{name}\" was deleted during the rollout");

    /// <summary>
    /// Evaluates a Deployment object exactly as kubectl's deployment status viewer does
    /// (k8s.io/kubectl/pkg/polymorphichelpers/rollout_status.go): until the controller has observed the newest
    /// generation nothing counts; then a ProgressDeadlineExceeded condition is a failure; then the rollout waits
    /// for updated replicas, for old replicas to go, and for updated replicas to become available.
    /// </summary>
    public static RolloutState Of(JsonNode deployment)
    {
        var name = Text(deployment["metadata"]?["name"]);
        var generation = Number(deployment["metadata"]?["generation"]);
        var status = deployment["status"];
        if (generation > Number(status?["observedGeneration"]))
        {
            return new(RolloutPhase.Waiting, "Waiting for deployment spec update to be observed...");
        }

        var progressing = status?["conditions"]?.AsArray().FirstOrDefault(c => Text(c?["type"]) == "Progressing");
        if (Text(progressing?["reason"]) == "ProgressDeadlineExceeded")
        {
            return new(RolloutPhase.Failed, $"deployment \"{name}\" exceeded its progress deadline");
        }

        var wanted = deployment["spec"]?["replicas"] is { } replicas ? (long?)Number(replicas) : null;
        var (updated, current, available) = (Number(status?["updatedReplicas"]), Number(status?["replicas"]), Number(status?["availableReplicas"]));
        return (wanted, updated, current, available) switch
        {
            ({ } n, _, _, _) when updated < n => new(RolloutPhase.Waiting, $"Waiting for deployment \"{name}\" rollout to finish: {updated} out of {n} new replicas have been updated..."),
            _ when current > updated => new(RolloutPhase.Waiting, $"Waiting for deployment \"{name}\" rollout to finish: {current - updated} old replicas are pending termination..."),
            _ when available < updated => new(RolloutPhase.Waiting, $"Waiting for deployment \"{name}\" rollout to finish: {available} of {updated} updated replicas are available..."),
            _ => new(RolloutPhase.Complete, $"deployment \"{name}\" successfully rolled out"),
        };
    }

    private static long Number(JsonNode? node) => node?.GetValue<long>() ?? 0;

    private static string Text(JsonNode? node) => node?.GetValue<string>() ?? "";
}
