using System.Text.Json.Nodes;
using ClusterSim.Api;

namespace ClusterSim.Store;

/// <summary>
/// How each kind goes away: pods on a node are deleted gracefully (deletionTimestamp now + grace period; the
/// kubelet removes them once their containers stopped), namespaces turn Terminating until emptied, everything else
/// is removed at once and the garbage collector follows ownerReferences (or they are dropped for Orphan).
/// </summary>
internal static class Deletion
{
    public static JsonObject? Delete(ObjectStore store, ResourceType type, string ns, string name, long? gracePeriodSeconds, string? propagationPolicy,
        Preconditions? preconditions = null)
    {
        var current = store.Get(type, ns, name);
        if (current is null)
        {
            return null;
        }

        preconditions?.CheckBeforeDelete(type, current);

        var now = DateTimeOffset.UtcNow;
        if (type == ResourceTypes.Pods)
        {
            var grace = gracePeriodSeconds ?? current.Long("spec", "terminationGracePeriodSeconds") ?? 30;
            if (grace > 0 && !string.IsNullOrEmpty(current.Str("spec", "nodeName")))
            {
                return Meta.IsTerminating(current) ? current : store.Update(type, ns, name, pod =>
                {
                    preconditions?.CheckInStorage(type, pod);
                    Meta.Of(pod)["deletionTimestamp"] = Json.Time(now.AddSeconds(grace));
                    Meta.Of(pod)["deletionGracePeriodSeconds"] = grace;
                    return pod;
                });
            }

            return store.Delete(type, ns, name, preconditions);
        }

        if (type == ResourceTypes.Namespaces)
        {
            return store.Update(type, ns, name, namespaceObject =>
            {
                Meta.Of(namespaceObject)["deletionTimestamp"] ??= Json.Time(now);
                namespaceObject.Child("status")["phase"] = "Terminating";
                return namespaceObject;
            });
        }

        if (propagationPolicy == "Orphan")
        {
            Orphan(store, ns, Meta.Uid(current));
        }

        return store.Delete(type, ns, name, preconditions);
    }

    private static void Orphan(ObjectStore store, string ns, string ownerUid)
    {
        foreach (var type in new[] { ResourceTypes.ReplicaSets, ResourceTypes.Pods })
        {
            foreach (var dependent in store.List(type, ns).Where(d => d.Arr("metadata", "ownerReferences").Objects().Any(r => r.Str("uid") == ownerUid)))
            {
                store.Update(type, ns, Meta.Name(dependent), obj =>
                {
                    var remaining = obj.Arr("metadata", "ownerReferences").Objects().Where(r => r.Str("uid") != ownerUid).Select(r => (JsonNode?)r.Clone()).ToJsonArray();
                    if (remaining.Count == 0)
                    {
                        Meta.Of(obj).Remove("ownerReferences");
                    }
                    else
                    {
                        Meta.Of(obj)["ownerReferences"] = remaining;
                    }

                    return obj;
                });
            }
        }
    }
}
