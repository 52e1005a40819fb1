using System.Text.Json.Nodes;

namespace Build.Kubernetes;

/// <summary>
/// Whether a new pod can still start, from its status alone: the rule that lets a rollout that cannot succeed end at
/// once. A container fails its pod when it waits for a reason the kubelet will not get past by retrying (the image
/// is not on the node and may not be pulled, the registry refuses the pull or has no such manifest, a Secret or
/// ConfigMap is missing, the image name cannot be parsed, the runtime refused the container), or when it crashed
/// more often than a start-up allowance: after <c>allowedRestarts</c> restarts, the next crash is a verdict (0:
/// the first crash). Everything else may still resolve by itself and is waited for: a pod being created or
/// scheduled (capacity can free up), a pull that failed for a reason that can pass (a registry that was down), a
/// container that crashed less often than allowed.
/// </summary>
public static class StartVerdict
{
    /// <summary>Waiting reasons the kubelet keeps retrying without any chance of a different answer.</summary>
    private static readonly HashSet<string> Final = ["ErrImageNeverPull", "InvalidImageName", "CreateContainerConfigError", "CreateContainerError", "RunContainerError"];

    /// <summary>A pull failure with these words is the registry's final answer (from the kubelet's message, which quotes the runtime).</summary>
    private static readonly string[] RefusedPull = ["unauthorized", "denied", "manifest unknown", "not found", "no basic auth credentials", "authentication required", "repository does not exist"];

    /// <summary>Why the pod cannot start, as the final table says it (<c>CrashLoopBackOff (exit 1, 2 restarts)</c>), or null when it may still.</summary>
    public static string? CannotStart(JsonNode pod, int allowedRestarts)
    {
        var statuses = (pod["status"]?["initContainerStatuses"]?.AsArray() ?? []).Concat(pod["status"]?["containerStatuses"]?.AsArray() ?? []);
        foreach (var status in statuses.OfType<JsonNode>())
        {
            if (Verdict(status, allowedRestarts) is { } verdict)
            {
                return verdict;
            }
        }

        return null;
    }

    private static string? Verdict(JsonNode status, int allowedRestarts)
    {
        var waiting = status["state"]?["waiting"];
        var reason = Text(waiting?["reason"]);
        var message = Text(waiting?["message"]);
        if (Final.Contains(reason))
        {
            return reason == "CreateContainerConfigError" && message.Length > 0 ? $"{reason}: {message}" : reason;
        }

        if (reason is "ErrImagePull" or "ImagePullBackOff" && RefusedPull.FirstOrDefault(words => message.Contains(words, StringComparison.OrdinalIgnoreCase)) is { } refused)
        {
            return $"{reason}: {refused}";
        }

        // Each restart followed an exit; an exit the kubelet has not restarted yet (terminated, or waiting in
        // CrashLoopBackOff) is one more.
        var restarts = (int?)status["restartCount"]?.GetValue<long>() ?? 0;
        var terminated = status["state"]?["terminated"];
        var exitedNow = terminated is not null || reason == "CrashLoopBackOff";
        var exits = restarts + (exitedNow ? 1 : 0);
        if (exits <= allowedRestarts)
        {
            return null;
        }

        var exitCode = (terminated ?? status["lastState"]?["terminated"])?["exitCode"]?.GetValue<long>();
        var shown = exitedNow ? (reason.Length > 0 ? reason : Text(terminated?["reason"]) is { Length: > 0 } r ? r : "Error") : "CrashLoopBackOff";
        return $"{shown} (exit {exitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"}, {restarts} restart{(restarts == 1 ? "" : "s")})";
    }

    /// <summary>
    /// True when the pod was made from the deployment's current pod template (so it is one of the rollout's new pods,
    /// not one being replaced): each container runs the template's image, and it has the template's restart stamp.
    /// </summary>
    public static bool IsNew(JsonNode pod, JsonNode deployment)
    {
        var template = deployment["spec"]?["template"];
        foreach (var field in new[] { "initContainers", "containers" })
        {
            foreach (var container in template?["spec"]?[field]?.AsArray().OfType<JsonNode>() ?? [])
            {
                var name = Text(container["name"]);
                var running = pod["spec"]?[field]?.AsArray().OfType<JsonNode>().FirstOrDefault(c => Text(c["name"]) == name);
                if (running is null || Text(running["image"]) != Text(container["image"]))
                {
                    return false;
                }
            }
        }

        const string RestartedAt = "kubectl.kubernetes.io/restartedAt";
        return Text(pod["metadata"]?["annotations"]?[RestartedAt]) == Text(template?["metadata"]?["annotations"]?[RestartedAt]);
    }

    private static string Text(JsonNode? node) => node?.GetValueKind() == System.Text.Json.JsonValueKind.String ? node.GetValue<string>() : "";
}
