using System.Text.Json.Nodes;
using Build.Delivery;

namespace Build.Kubernetes;

/// <summary>Why a pod's container is not running, with what to do about it (in the manner of Skaffold's diagnosis).</summary>
public sealed record PodProblem(string Pod, string Container, string Reason, string Message, int Restarts, int? LastExitCode)
{
    /// <summary>Crash-looping or exited containers: their previous run's log says why.</summary>
    public bool WantsLogs => Reason is "CrashLoopBackOff" or "Error" || LastExitCode is not null and not 0;

    public string Describe() =>
        (Container == "-" ? $"pod {Pod} is {Reason}" : $"pod {Pod}: container {Container} is {Reason}") +
        (Message.Length > 0 ? $": {Message}" : "") +
        (Restarts > 0 ? $" (restarted {Restarts} times" + (LastExitCode is { } code ? $", last exit code {code})" : ")") : "");

    /// <summary>What to do about it; for an image the node cannot get, the way images reach this cluster says.</summary>
    public string? Hint(HintContext where) => Reason switch
    {
        "ErrImageNeverPull" or "ErrImagePull" or "ImagePullBackOff" => (where.Delivery ?? DefaultDelivery).ImageHint(this, where),
        "CrashLoopBackOff" or "Error" => "The container keeps exiting; its last log lines follow.",
        "CreateContainerConfigError" => "A ConfigMap or Secret the container refers to is missing.",
        "RunContainerError" or "CreateContainerError" => "The container could not start: check its command and the image's entrypoint.",
        "InvalidImageName" => "The image reference cannot be parsed: check the image name in the deployment (repository names are lower case).",
        "ContainerCreating" or "PodInitializing" => "The container has not started yet: the node is still preparing it (see the warnings below).",
        "Unschedulable" => "No node can take the pod: check its resource requests and node selectors.",
        _ => null,
    };

    /// <summary>When no delivery was chosen (a run without ImageDelivery): the minikube node's hints.</summary>
    private static readonly DeliveryStrategy DefaultDelivery = new LoadDelivery(new DeliveryChoice(DeliveryMode.Load, "", null), Tools.ToolEnvironment.Inherited);
}

/// <summary>Reads pods and events as kubectl returns them (<c>-o json</c>).</summary>
public static class PodReport
{
    /// <summary>Problems of the pods that are not being deleted; <paramref name="container"/> limits it to one container.</summary>
    /// <param name="includeStarting">Also containers still being created: normal during a rollout, the problem when it failed.</param>
    public static IReadOnlyList<PodProblem> FindProblems(JsonNode podList, string? container = null, bool includeStarting = false)
    {
        var problems = new List<PodProblem>();
        foreach (var pod in Items(podList).Where(p => p["metadata"]?["deletionTimestamp"] is null))
        {
            var name = pod["metadata"]?["name"]?.GetValue<string>() ?? "?";
            var unscheduled = pod["status"]?["conditions"]?.AsArray()
                .FirstOrDefault(c => c?["type"]?.GetValue<string>() == "PodScheduled" && c["status"]?.GetValue<string>() == "False");
            if (unscheduled is not null)
            {
                problems.Add(new PodProblem(name, "-", "Unschedulable", Text(unscheduled["message"]), 0, null));
                continue;
            }

            var statuses = (pod["status"]?["initContainerStatuses"]?.AsArray() ?? [])
                .Concat(pod["status"]?["containerStatuses"]?.AsArray() ?? []);
            foreach (var status in statuses.Where(s => container is null || Text(s?["name"]) == container))
            {
                if (Problem(name, status!, includeStarting) is { } problem)
                {
                    problems.Add(problem);
                }
            }
        }

        return problems;
    }

    /// <summary>The newest Warning events about the named objects, oldest first, as one line each.</summary>
    public static IReadOnlyList<string> LatestWarnings(JsonNode eventList, IReadOnlySet<string> about, int count) =>
        Items(eventList)
            .Where(e => Text(e["type"]) == "Warning" && about.Contains(Text(e["involvedObject"]?["name"])))
            .OrderBy(e => Text(e["lastTimestamp"]) is { Length: > 0 } last ? last : Text(e["eventTime"]), StringComparer.Ordinal)
            .TakeLast(count)
            .Select(e => $"{Text(e["reason"])} {Text(e["involvedObject"]?["kind"]).ToLowerInvariant()}/{Text(e["involvedObject"]?["name"])}: {Text(e["message"])}" +
                (e["count"]?.GetValue<int>() is > 1 and var n ? $" (x{n})" : ""))
            .ToList();

    /// <summary>
    /// Pods (not being deleted) whose container does not report an image ID that <paramref name="isExpected"/>
    /// accepts, as "pod: imageID".
    /// </summary>
    public static IReadOnlyList<string> PodsNotRunning(JsonNode podList, string container, Func<string, bool> isExpected) =>
        Items(podList)
            .Where(p => p["metadata"]?["deletionTimestamp"] is null)
            .Select(p => (
                Pod: Text(p["metadata"]?["name"]),
                ImageId: Text(p["status"]?["containerStatuses"]?.AsArray().FirstOrDefault(s => Text(s?["name"]) == container)?["imageID"])))
            .Where(p => p.ImageId.Length == 0 || !isExpected(p.ImageId))
            .Select(p => $"{p.Pod}: {(p.ImageId.Length == 0 ? "no running container yet" : p.ImageId)}")
            .ToList();

    /// <summary>The pods of the list whose labels match <paramref name="selector"/> (a deployment's matchLabels), as a list again.</summary>
    public static JsonNode Select(JsonNode podList, IReadOnlyDictionary<string, string> selector) =>
        new JsonObject
        {
            ["items"] = new JsonArray(Items(podList)
                .Where(p => selector.All(label => p["metadata"]?["labels"]?[label.Key]?.GetValue<string>() == label.Value))
                .Select(p => p.DeepClone())
                .ToArray()),
        };

    public static int CountPods(JsonNode podList) => Items(podList).Count(p => p["metadata"]?["deletionTimestamp"] is null);

    /// <summary>The names of the pods in the list, deleted or not.</summary>
    public static IEnumerable<string> PodNames(JsonNode podList) => Items(podList).Select(p => Text(p["metadata"]?["name"]));

    private static PodProblem? Problem(string pod, JsonNode status, bool includeStarting)
    {
        var container = Text(status["name"]);
        var restarts = status["restartCount"]?.GetValue<int>() ?? 0;
        var lastExit = status["lastState"]?["terminated"]?["exitCode"]?.GetValue<int>();
        if (status["state"]?["waiting"] is { } waiting && Text(waiting["reason"]) is { Length: > 0 } reason && (includeStarting || reason is not ("ContainerCreating" or "PodInitializing")))
        {
            return new PodProblem(pod, container, reason, Text(waiting["message"]), restarts, lastExit);
        }

        if (status["state"]?["terminated"] is { } terminated && terminated["exitCode"]?.GetValue<int>() is { } code and not 0)
        {
            return new PodProblem(pod, container, Text(terminated["reason"]) is { Length: > 0 } r ? r : "Error", Text(terminated["message"]), restarts, code);
        }

        return null;
    }

    private static IEnumerable<JsonNode> Items(JsonNode list) => list["items"]?.AsArray().OfType<JsonNode>() ?? [];

    private static string Text(JsonNode? node) => node?.GetValue<string>() ?? "";
}
