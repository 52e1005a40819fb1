using System.Text.Json.Nodes;
using ClusterSim.Node;

namespace ClusterSim.Api;

/// <summary>The defaulting the real API server applies on every write (SetDefaults_* in k8s.io/kubernetes/pkg/apis).</summary>
internal static class Defaults
{
    public static void Apply(ResourceType type, JsonObject obj)
    {
        if (type == ResourceTypes.Deployments)
        {
            Deployment(obj);
        }
        else if (type == ResourceTypes.ReplicaSets)
        {
            var spec = obj.Child("spec");
            spec["replicas"] ??= 1;
            PodSpec(spec.Child("template").Child("spec"));
        }
        else if (type == ResourceTypes.Pods)
        {
            Pod(obj);
        }
        else if (type == ResourceTypes.Secrets)
        {
            Secret(obj);
        }
        else if (type == ResourceTypes.Leases)
        {
            // Not defaulting: the MicroTime fields are decoded and encoded again, as the server's serializer does.
            MicroTime.Decode(type, obj, ["spec", "acquireTime"], ["spec", "renewTime"]);
        }
        else if (type == ResourceTypes.Namespaces)
        {
            var name = Meta.Name(obj);
            Meta.Of(obj).Child("labels")["kubernetes.io/metadata.name"] = name;
            obj.Child("spec")["finalizers"] ??= new JsonArray("kubernetes");
            obj.Child("status")["phase"] ??= "Active";
        }
    }

    /// <summary>type defaults to Opaque; stringData is write-only: merged into data (base64) and dropped, as the server does.</summary>
    private static void Secret(JsonObject secret)
    {
        secret["type"] ??= "Opaque";
        if (secret["stringData"] is JsonObject stringData)
        {
            var data = secret.Child("data");
            foreach (var (key, value) in stringData)
            {
                data[key] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(value?.GetValue<string>() ?? ""));
            }

            secret.Remove("stringData");
        }
    }

    private static void Deployment(JsonObject deployment)
    {
        var spec = deployment.Child("spec");
        spec["replicas"] ??= 1;
        var strategy = spec.Child("strategy");
        strategy["type"] ??= "RollingUpdate";
        if (strategy.Str("type") == "RollingUpdate")
        {
            var rolling = strategy.Child("rollingUpdate");
            rolling["maxUnavailable"] ??= "25%";
            rolling["maxSurge"] ??= "25%";
        }

        spec["revisionHistoryLimit"] ??= 10;
        spec["progressDeadlineSeconds"] ??= 600;
        PodSpec(spec.Child("template").Child("spec"));
    }

    private static void Pod(JsonObject pod)
    {
        var spec = pod.Child("spec");
        PodSpec(spec);
        spec["enableServiceLinks"] ??= true;
        spec["preemptionPolicy"] ??= "PreemptLowerPriority";
        spec["priority"] ??= 0;
        spec["serviceAccountName"] ??= "default";
        spec["serviceAccount"] ??= spec.Str("serviceAccountName");
        spec["tolerations"] ??= new JsonArray(
            Toleration("node.kubernetes.io/not-ready"),
            Toleration("node.kubernetes.io/unreachable"));
    }

    private static JsonObject Toleration(string key) => new()
    {
        ["key"] = key,
        ["operator"] = "Exists",
        ["effect"] = "NoExecute",
        ["tolerationSeconds"] = 300,
    };

    public static void PodSpec(JsonObject spec)
    {
        spec["restartPolicy"] ??= "Always";
        spec["terminationGracePeriodSeconds"] ??= 30;
        spec["dnsPolicy"] ??= "ClusterFirst";
        spec["securityContext"] ??= new JsonObject();
        spec["schedulerName"] ??= "default-scheduler";
        foreach (var list in new[] { "initContainers", "containers" })
        {
            foreach (var container in spec.Arr(list).Objects())
            {
                Container(container);
            }
        }
    }

    private static void Container(JsonObject container)
    {
        container["terminationMessagePath"] ??= "/dev/termination-log";
        container["terminationMessagePolicy"] ??= "File";
        container["resources"] ??= new JsonObject();
        if (container["imagePullPolicy"] is null && container.Str("image") is { } image)
        {
            container["imagePullPolicy"] = ImageReference.DefaultPullPolicy(image);
        }

        foreach (var port in container.Arr("ports").Objects())
        {
            port["protocol"] ??= "TCP";
        }
    }
}
