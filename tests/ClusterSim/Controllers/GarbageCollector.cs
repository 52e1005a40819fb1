using System.Text.Json.Nodes;
using ClusterSim.Api;
using ClusterSim.Store;

namespace ClusterSim.Controllers;

/// <summary>
/// The garbage collector and the namespace controller: objects whose controlling owner is gone are deleted
/// (background propagation), and a Terminating namespace is emptied and then removed. It also plays the service
/// account controller: every active namespace gets its "default" ServiceAccount.
/// </summary>
internal sealed class GarbageCollector(ObjectStore store)
{
    public void Sync()
    {
        var deployments = store.List(ResourceTypes.Deployments).Select(Meta.Uid).ToHashSet();
        foreach (var rs in store.List(ResourceTypes.ReplicaSets).Where(rs => IsOrphan(rs, "Deployment", deployments)))
        {
            store.Delete(ResourceTypes.ReplicaSets, Meta.Namespace(rs), Meta.Name(rs));
        }

        var replicaSets = store.List(ResourceTypes.ReplicaSets).Select(Meta.Uid).ToHashSet();
        foreach (var pod in store.List(ResourceTypes.Pods).Where(p => !Meta.IsTerminating(p) && IsOrphan(p, "ReplicaSet", replicaSets)))
        {
            Deletion.Delete(store, ResourceTypes.Pods, Meta.Namespace(pod), Meta.Name(pod), null, null);
        }

        foreach (var ns in store.List(ResourceTypes.Namespaces).Where(Meta.IsTerminating))
        {
            EmptyNamespace(Meta.Name(ns));
        }

        var accounts = store.List(ResourceTypes.ServiceAccounts).Where(sa => Meta.Name(sa) == "default").Select(Meta.Namespace).ToHashSet();
        foreach (var ns in store.List(ResourceTypes.Namespaces).Where(n => !Meta.IsTerminating(n) && !accounts.Contains(Meta.Name(n))))
        {
            try
            {
                store.Create(ResourceTypes.ServiceAccounts, new JsonObject
                {
                    ["metadata"] = new JsonObject { ["name"] = "default", ["namespace"] = Meta.Name(ns) },
                });
            }
            catch (ApiException e) when (e.Code == 409)
            {
                // Someone created it meanwhile.
            }
        }
    }

    private static bool IsOrphan(JsonObject obj, string ownerKind, HashSet<string> owners) =>
        obj.Arr("metadata", "ownerReferences").Objects().FirstOrDefault(r => r.Bool("controller") == true) is { } owner
        && owner.Str("kind") == ownerKind
        && !owners.Contains(owner.Str("uid") ?? "");

    private void EmptyNamespace(string ns)
    {
        foreach (var type in new[] { ResourceTypes.Deployments, ResourceTypes.ReplicaSets })
        {
            DeleteAll(type, ns);
        }

        var pods = store.List(ResourceTypes.Pods, ns);
        foreach (var pod in pods.Where(p => !Meta.IsTerminating(p)))
        {
            Deletion.Delete(store, ResourceTypes.Pods, ns, Meta.Name(pod), null, null);
        }

        if (pods.Count == 0)
        {
            DeleteAll(ResourceTypes.Events, ns);
            DeleteAll(ResourceTypes.Secrets, ns);
            DeleteAll(ResourceTypes.ConfigMaps, ns);
            DeleteAll(ResourceTypes.ServiceAccounts, ns);
            store.Delete(ResourceTypes.Namespaces, "", ns);
        }
    }

    private void DeleteAll(ResourceType type, string ns)
    {
        foreach (var obj in store.List(type, ns))
        {
            store.Delete(type, ns, Meta.Name(obj));
        }
    }
}
