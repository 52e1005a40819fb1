using System.Text.Json.Nodes;
using Build.Docker;
using Build.Minikube;

namespace Build.Kubernetes;

public static partial class Manifests
{
    /// <summary>
    /// Points every container and init container that runs a service's image at the image this run built, in the
    /// pod template of every workload (Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job,
    /// CronJob, Pod): only the built tag is loaded into minikube, so any other reference to the service's image there
    /// would run a stale image or none. A container runs a service's image when its image has the same repository
    /// (<see cref="Repository"/>: <c>bot</c>, <c>bot:latest</c> and <c>docker.io/library/bot@sha256:...</c> are one), or
    /// when it is the service's configured container in the service's Deployment (as Rollout sets it).
    /// Returns the services whose Deployment is not in <paramref name="objects"/>.
    /// </summary>
    public static IReadOnlyList<string> SetImages(IEnumerable<JsonObject> objects, IEnumerable<BuiltImage> images)
    {
        var built = images.ToList();
        var byRepository = built
            .GroupBy(image => Repository(image.Service.Image))
            .ToDictionary(group => group.Key, group => group.First());
        var deployed = new HashSet<string>();
        foreach (var item in objects)
        {
            var name = Text((item["metadata"] as JsonObject)?["name"]);
            var owners = Text(item["kind"]) == "Deployment" ? built.Where(i => i.Service.Deployment == name).ToList() : [];
            deployed.UnionWith(owners.Select(owner => owner.Service.Name));
            foreach (var container in Containers(item))
            {
                var image = owners.FirstOrDefault(owner => owner.Service.Container == Text(container["name"]))
                    ?? (Text(container["image"]) is { } reference && byRepository.TryGetValue(Repository(reference), out var match) ? match : null);
                if (image is not null)
                {
                    container["image"] = image.Reference;
                }
            }
        }

        return built.Where(image => !deployed.Contains(image.Service.Name)).Select(image => image.Service.Name).ToList();
    }

    /// <summary>
    /// An image reference without its tag or digest, normalised as docker names images: <c>bot:1</c> and
    /// <c>index.docker.io/library/bot@sha256:...</c> are both <c>docker.io/library/bot</c>.
    /// </summary>
    public static string Repository(string reference)
    {
        var normalized = ImageReference.Normalize(reference.Trim());
        var at = normalized.IndexOf('@', StringComparison.Ordinal);
        var name = at < 0 ? normalized : normalized[..at];
        var colon = name.LastIndexOf(':');
        return colon > name.LastIndexOf('/') ? name[..colon] : name;
    }

    /// <summary>The containers and init containers of a workload's pod template, or of a Pod.</summary>
    public static IEnumerable<JsonObject> Containers(JsonObject item)
    {
        var spec = item["spec"] as JsonObject;
        var podSpec = Text(item["kind"]) switch
        {
            "Pod" => spec,
            "Deployment" or "StatefulSet" or "DaemonSet" or "ReplicaSet" or "ReplicationController" or "Job" =>
                (spec?["template"] as JsonObject)?["spec"] as JsonObject,
            "CronJob" => (((spec?["jobTemplate"] as JsonObject)?["spec"] as JsonObject)?["template"] as JsonObject)?["spec"] as JsonObject,
            _ => null,
        };
        return new[] { "initContainers", "containers" }
            .SelectMany(field => podSpec?[field] as JsonArray ?? [])
            .OfType<JsonObject>();
    }
}
