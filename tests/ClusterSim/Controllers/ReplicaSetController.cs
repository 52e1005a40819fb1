using System.Text.Json.Nodes;
using ClusterSim.Api;
using ClusterSim.Store;

namespace ClusterSim.Controllers;

/// <summary>
/// The replica set controller: keeps spec.replicas active pods (named &lt;rs&gt;-&lt;5 chars&gt;, owned by the
/// ReplicaSet), deletes the least useful ones first when scaling down, and reports replicas, readyReplicas and
/// availableReplicas (ready for at least minReadySeconds).
/// </summary>
internal sealed class ReplicaSetController(ObjectStore store, EventRecorder events, ClusterActivity activity)
{
    private const string Component = "replicaset-controller";

    public void Sync(DateTimeOffset now)
    {
        var pods = store.List(ResourceTypes.Pods);
        foreach (var rs in store.List(ResourceTypes.ReplicaSets).Where(r => !Meta.IsTerminating(r)))
        {
            var ns = Meta.Namespace(rs);
            var active = pods.Where(p => Meta.Namespace(p) == ns && Meta.ControllerUid(p) == Meta.Uid(rs) && IsActive(p)).ToList();
            var desired = rs.Long("spec", "replicas") ?? 0;
            if (active.Count < desired)
            {
                for (var i = active.Count; i < desired; i++)
                {
                    CreatePod(rs);
                }
            }
            else if (active.Count > desired)
            {
                foreach (var pod in active.OrderBy(DeletionRank).Take(active.Count - (int)desired))
                {
                    Deletion.Delete(store, ResourceTypes.Pods, ns, Meta.Name(pod), null, null);
                    events.Normal(rs, "SuccessfulDelete", $"Deleted pod: {Meta.Name(pod)}", Component);
                }
            }

            UpdateStatus(rs, now);
        }
    }

    private static bool IsActive(JsonObject pod) =>
        !Meta.IsTerminating(pod) && pod.Str("status", "phase") is not ("Succeeded" or "Failed");

    private void CreatePod(JsonObject rs)
    {
        var template = rs.Obj("spec", "template") ?? new JsonObject();
        var ns = Meta.Namespace(rs);
        for (var attempt = 0; ; attempt++)
        {
            var name = $"{Meta.Name(rs)}-{Names.RandomSuffix()}";
            var metadata = new JsonObject
            {
                ["name"] = name,
                ["generateName"] = Meta.Name(rs) + "-",
                ["namespace"] = ns,
                ["labels"] = template.At("metadata", "labels")?.DeepClone(),
                ["ownerReferences"] = new JsonArray(Meta.OwnerReference(rs)),
            };
            if (template.At("metadata", "annotations") is { } annotations)
            {
                metadata["annotations"] = annotations.DeepClone();
            }

            var pod = new JsonObject
            {
                ["metadata"] = metadata,
                ["spec"] = template["spec"]?.DeepClone() ?? new JsonObject(),
            };
            pod["status"] = new JsonObject { ["phase"] = "Pending", ["qosClass"] = Quantities.QosClass(pod) };
            Defaults.Apply(ResourceTypes.Pods, pod);
            Admission.Pod(store, pod);
            try
            {
                store.Create(ResourceTypes.Pods, pod);
            }
            catch (ApiException e) when (e.Code == 409 && attempt < 5)
            {
                continue;
            }

            events.Normal(rs, "SuccessfulCreate", $"Created pod: {name}", Component);
            if (rs.Arr("metadata", "ownerReferences").Objects().FirstOrDefault(r => r.Str("kind") == "Deployment") is { } owner)
            {
                activity.PodCreated(ns, owner.Str("name") ?? "");
            }

            return;
        }
    }

    /// <summary>Which pods go first on scale-down: unscheduled, pending, not ready, most restarted, newest.</summary>
    private static (int, int, int, long, long) DeletionRank(JsonObject pod)
    {
        var scheduled = string.IsNullOrEmpty(pod.Str("spec", "nodeName")) ? 0 : 1;
        var phase = pod.Str("status", "phase") switch { "Pending" => 0, "Unknown" => 1, _ => 2 };
        var ready = IsReady(pod) ? 1 : 0;
        var restarts = pod.Arr("status", "containerStatuses").Objects().Sum(c => c.Long("restartCount") ?? 0);
        return (scheduled, phase, ready, -restarts, -Meta.Created(pod).ToUnixTimeSeconds());
    }

    private static bool IsReady(JsonObject pod) =>
        pod.Arr("status", "conditions").Objects().Any(c => c.Str("type") == "Ready" && c.Str("status") == "True");

    private void UpdateStatus(JsonObject rs, DateTimeOffset now)
    {
        var ns = Meta.Namespace(rs);
        var minReady = rs.Long("spec", "minReadySeconds") ?? 0;
        var labels = rs.StringMap("spec", "template", "metadata", "labels");
        var pods = store.List(ResourceTypes.Pods, ns).Where(p => Meta.ControllerUid(p) == Meta.Uid(rs) && IsActive(p)).ToList();
        var ready = pods.Where(IsReady).ToList();
        var available = ready.Count(p =>
        {
            var since = Json.ParseTime(p.Arr("status", "conditions").Objects().First(c => c.Str("type") == "Ready").Str("lastTransitionTime")) ?? now;
            return minReady == 0 || since.AddSeconds(minReady) <= now;
        });
        var fullyLabeled = pods.Count(p => labels.All(l => Meta.Labels(p).GetValueOrDefault(l.Key) == l.Value));
        store.Update(ResourceTypes.ReplicaSets, ns, Meta.Name(rs), r =>
        {
            var status = new JsonObject { ["replicas"] = pods.Count };
            if (fullyLabeled > 0)
            {
                status["fullyLabeledReplicas"] = fullyLabeled;
            }

            if (ready.Count > 0)
            {
                status["readyReplicas"] = ready.Count;
            }

            if (available > 0)
            {
                status["availableReplicas"] = available;
            }

            status["observedGeneration"] = Meta.Generation(r);
            r["status"] = status;
            return r;
        });
    }
}
