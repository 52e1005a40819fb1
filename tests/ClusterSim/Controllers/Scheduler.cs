using System.Text.Json.Nodes;
using ClusterSim.Api;
using ClusterSim.Store;

namespace ClusterSim.Controllers;

/// <summary>
/// The default scheduler for the single node: a pod whose requests fit what the node's status.allocatable leaves
/// (after the control plane's pods and the pods bound before it) is bound, with PodScheduled=True and the Scheduled
/// event. One that does not fit stays Pending with PodScheduled=False/Unschedulable and a FailedScheduling warning
/// worded as the 1.32 scheduler words its FitError (NodeResourcesFit's "Insufficient cpu" / "Too many pods", then
/// DefaultPreemption's verdict: no pod of lower priority to evict). Like the real one it retries an unschedulable
/// pod when the pods on the node change (capacity may have been freed), and otherwise every 5 minutes.
/// </summary>
internal sealed class Scheduler(ObjectStore store, EventRecorder events, string nodeName)
{
    private const string Component = "default-scheduler";

    /// <summary>podMaxInUnschedulablePodsDuration: how long an unschedulable pod waits when nothing relevant changes.</summary>
    private static readonly TimeSpan RetryAfter = TimeSpan.FromMinutes(5);

    /// <summary>
    /// What minikube's kube-system pods request on the node (kube-apiserver 250m, kube-controller-manager 200m,
    /// kube-scheduler 100m, etcd 100m and 100Mi, coredns 100m and 70Mi) and how many they are with kube-proxy and
    /// storage-provisioner. The simulation serves no such pods; the scheduler counts them all the same.
    /// </summary>
    private static readonly Dictionary<string, decimal> ControlPlaneRequests = new() { ["cpu"] = 0.75m, ["memory"] = 170m * 1024 * 1024 };
    private const int ControlPlanePods = 7;

    private readonly Dictionary<string, (string Usage, DateTimeOffset At)> attempts = [];

    public void Sync(DateTimeOffset now)
    {
        var node = store.Get(ResourceTypes.Nodes, "", nodeName);
        var pods = store.List(ResourceTypes.Pods);
        var allocatable = Quantities.Of(node.Obj("status", "allocatable"));
        var used = new Dictionary<string, decimal>(ControlPlaneRequests);
        var count = ControlPlanePods;
        foreach (var bound in pods.Where(p => p.Str("spec", "nodeName") == nodeName && p.Str("status", "phase") is not ("Succeeded" or "Failed")))
        {
            Add(used, Quantities.Requests(bound));
            count++;
        }

        foreach (var pod in pods.Where(p => string.IsNullOrEmpty(p.Str("spec", "nodeName"))).OrderBy(Meta.Created).ThenBy(Meta.Name, StringComparer.Ordinal))
        {
            if (Meta.IsTerminating(pod))
            {
                store.Delete(ResourceTypes.Pods, Meta.Namespace(pod), Meta.Name(pod));
                continue;
            }

            var requests = Quantities.Requests(pod);
            var reasons = new List<string>();
            if (count + 1 > allocatable.GetValueOrDefault("pods"))
            {
                reasons.Add("Too many pods");
            }

            foreach (var (resource, requested) in requests.Where(r => r.Value > 0 && r.Key != "pods"))
            {
                if (requested > allocatable.GetValueOrDefault(resource) - used.GetValueOrDefault(resource))
                {
                    reasons.Add($"Insufficient {resource}");
                }
            }

            if (reasons.Count == 0)
            {
                Bind(pod, now);
                Add(used, requests);
                count++;
                attempts.Remove(Meta.Uid(pod));
                continue;
            }

            var usage = string.Join(",", used.OrderBy(u => u.Key, StringComparer.Ordinal).Select(u => $"{u.Key}={u.Value}")) + $",pods={count}";
            if (attempts.TryGetValue(Meta.Uid(pod), out var last) && last.Usage == usage && last.At + RetryAfter > now)
            {
                continue;
            }

            attempts[Meta.Uid(pod)] = (usage, now);
            var fit = string.Join(", ", reasons.Select(r => $"1 {r}").Order(StringComparer.Ordinal));
            Unschedulable(pod, $"0/1 nodes are available: {fit}. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.", now);
        }

        foreach (var gone in attempts.Keys.Where(uid => pods.All(p => Meta.Uid(p) != uid)).ToList())
        {
            attempts.Remove(gone);
        }
    }

    private static void Add(Dictionary<string, decimal> total, Dictionary<string, decimal> more)
    {
        foreach (var (resource, value) in more)
        {
            total[resource] = total.GetValueOrDefault(resource) + value;
        }
    }

    private void Bind(JsonObject pod, DateTimeOffset now)
    {
        var scheduled = store.Update(ResourceTypes.Pods, Meta.Namespace(pod), Meta.Name(pod), p =>
        {
            p.Child("spec")["nodeName"] = nodeName;
            SetScheduledCondition(p, "True", null, null, now);
            return p;
        });
        events.Normal(scheduled, "Scheduled", $"Successfully assigned {Meta.Namespace(pod)}/{Meta.Name(pod)} to {nodeName}", Component);
    }

    private void Unschedulable(JsonObject pod, string message, DateTimeOffset now)
    {
        var updated = store.Update(ResourceTypes.Pods, Meta.Namespace(pod), Meta.Name(pod), p =>
        {
            SetScheduledCondition(p, "False", "Unschedulable", message, now);
            return p;
        });
        events.Warning(updated, "FailedScheduling", message, Component);
    }

    /// <summary>podutil.UpdatePodCondition: lastTransitionTime moves only when the status changes; lastProbeTime stays null.</summary>
    private static void SetScheduledCondition(JsonObject pod, string status, string? reason, string? message, DateTimeOffset now)
    {
        var podStatus = pod.Child("status");
        if (podStatus.Arr("conditions") is not { } conditions)
        {
            conditions = [];
            podStatus["conditions"] = conditions;
        }

        var existing = conditions.Objects().FirstOrDefault(c => c.Str("type") == "PodScheduled");
        var since = existing?.Str("status") == status ? existing.Str("lastTransitionTime") : Json.Time(now);
        if (existing is not null)
        {
            conditions.Remove(existing);
        }

        var condition = new JsonObject { ["type"] = "PodScheduled", ["status"] = status, ["lastProbeTime"] = null, ["lastTransitionTime"] = since };
        if (reason is not null)
        {
            condition["reason"] = reason;
            condition["message"] = message;
        }

        conditions.Add(condition);
    }
}
