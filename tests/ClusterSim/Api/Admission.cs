using System.Text.Json.Nodes;
using ClusterSim.Store;

namespace ClusterSim.Api;

/// <summary>
/// The part of the ServiceAccount admission plugin a pull needs: a new pod that names no imagePullSecrets gets those
/// of its service account (spec.serviceAccountName, "default" by default). Unlike the real plugin it does not refuse
/// a pod whose service account does not exist yet.
/// </summary>
internal static class Admission
{
    public static void Pod(ObjectStore store, JsonObject pod)
    {
        var spec = pod.Child("spec");
        if (spec.Arr("imagePullSecrets") is { Count: > 0 })
        {
            return;
        }

        var account = store.Get(ResourceTypes.ServiceAccounts, Meta.Namespace(pod), spec.Str("serviceAccountName") ?? "default");
        if (account.Arr("imagePullSecrets") is { Count: > 0 } secrets)
        {
            spec["imagePullSecrets"] = secrets.DeepClone();
        }
    }
}
