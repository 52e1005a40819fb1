using System.Text.Json.Nodes;
using ClusterSim.Api;
using ClusterSim.Store;

namespace ClusterSim.Node;

/// <summary>
/// The part of the kubelet's makeEnvironmentVariables (pkg/kubelet/kubelet_pods.go) that can fail: envFrom first
/// (configMapRef, secretRef), then env[].valueFrom (configMapKeyRef, secretKeyRef), each object looked up once. A
/// missing object is the secret manager's NotFound, named by its singular resource ("secret \"x\" not found"); a
/// missing key is the kubelet's own error; either is ignored when the reference says optional: true. The values
/// themselves are not needed: nothing runs.
/// </summary>
internal static class EnvironmentSources
{
    /// <summary>Why the kubelet cannot build the container's environment, or null when it can.</summary>
    public static string? Error(ObjectStore store, JsonObject pod, JsonObject? container)
    {
        var ns = Meta.Namespace(pod);
        var seen = new Dictionary<(string Kind, string Name), JsonObject?>();
        JsonObject? Lookup(ResourceType type, string name)
        {
            if (!seen.TryGetValue((type.Kind, name), out var found))
            {
                found = store.Get(type, ns, name);
                seen[(type.Kind, name)] = found;
            }

            return found;
        }

        foreach (var source in container.Arr("envFrom").Objects())
        {
            foreach (var (field, type) in new[] { ("configMapRef", ResourceTypes.ConfigMaps), ("secretRef", ResourceTypes.Secrets) })
            {
                if (source.Obj(field) is { } reference && Lookup(type, reference.Str("name") ?? "") is null && reference.Bool("optional") != true)
                {
                    return NotFound(type, reference.Str("name") ?? "");
                }
            }
        }

        foreach (var variable in container.Arr("env").Objects().Where(e => string.IsNullOrEmpty(e.Str("value"))))
        {
            foreach (var (field, type) in new[] { ("configMapKeyRef", ResourceTypes.ConfigMaps), ("secretKeyRef", ResourceTypes.Secrets) })
            {
                if (variable.Obj("valueFrom", field) is not { } reference || reference.Bool("optional") == true)
                {
                    continue;
                }

                var name = reference.Str("name") ?? "";
                var key = reference.Str("key") ?? "";
                if (Lookup(type, name) is not { } found)
                {
                    return NotFound(type, name);
                }

                if (found.Obj("data")?.ContainsKey(key) != true)
                {
                    return $"couldn't find key {key} in {type.Kind} {ns}/{name}";
                }
            }
        }

        return null;
    }

    /// <summary>apierrors.NewNotFound(corev1.Resource("secret"), name), as the kubelet's watch-based managers return it.</summary>
    private static string NotFound(ResourceType type, string name) => $"{type.Kind.ToLowerInvariant()} \"{name}\" not found";
}
