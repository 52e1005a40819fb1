using System.Globalization;
using System.Text.Json.Nodes;
using Build.Docker;
using Build.Minikube;

namespace Build.Pruning;

/// <summary>
/// What the cluster uses, with why: every image a pod of the namespace names or runs (so also one a failing rollout's
/// pods are about to run), and every image of each deployment's pod template and of its two newest ReplicaSet
/// revisions (what <c>kubectl rollout undo</c> and <c>--rollback-on-failure</c> go back to). Keyed by reference,
/// image ID and manifest digest, so a tag, a loaded image and a pulled one are all recognised. Pure: made from the
/// JSON of one <c>kubectl get deployments,replicasets,pods -o json</c>.
/// </summary>
public sealed class InUse
{
    private readonly Dictionary<string, List<string>> _why = new(StringComparer.Ordinal);

    public static InUse Nothing => new();

    public static InUse From(JsonNode? list)
    {
        var inUse = new InUse();
        var items = (list?["items"]?.AsArray() ?? []).OfType<JsonObject>().ToList();
        string Kind(JsonObject item) => (string?)item["kind"] ?? "";
        string Name(JsonObject item) => (string?)item["metadata"]?["name"] ?? "";

        foreach (var pod in items.Where(i => Kind(i) == "Pod" && i["metadata"]?["deletionTimestamp"] is null))
        {
            foreach (var image in TemplateImages(pod["spec"]))
            {
                inUse.Add(Reference(image), $"pod {Name(pod)} uses it");
            }

            var statuses = new[] { "containerStatuses", "initContainerStatuses" }.SelectMany(f => pod["status"]?[f]?.AsArray() ?? []).OfType<JsonObject>();
            foreach (var status in statuses)
            {
                if ((string?)status["imageID"] is { Length: > 0 } imageId)
                {
                    inUse.Add(imageId.Contains('@') ? Digest(imageId) : ImageId.TryParse(imageId, out var id) ? Id(id) : imageId, $"pod {Name(pod)} runs it");
                }
            }
        }

        foreach (var deployment in items.Where(i => Kind(i) == "Deployment"))
        {
            var name = Name(deployment);
            foreach (var image in TemplateImages(deployment["spec"]?["template"]?["spec"]))
            {
                inUse.Add(Reference(image), $"deployment/{name}'s pod template");
            }

            var revisions = items.Where(i => Kind(i) == "ReplicaSet" && OwnedBy(i, name))
                .Select(rs => (ReplicaSet: rs, Revision: long.TryParse((string?)rs["metadata"]?["annotations"]?["deployment.kubernetes.io/revision"], NumberStyles.None, CultureInfo.InvariantCulture, out var r) ? r : 0))
                .OrderByDescending(r => r.Revision)
                .Take(2)
                .ToList();
            for (var i = 0; i < revisions.Count; i++)
            {
                foreach (var image in TemplateImages(revisions[i].ReplicaSet["spec"]?["template"]?["spec"]))
                {
                    inUse.Add(Reference(image), $"deployment/{name} revision {revisions[i].Revision} ({(i == 0 ? "current" : "rollout undo target")})");
                }
            }
        }

        return inUse;
    }

    /// <summary>Why the cluster needs the tag's image ("pod bot-1 runs it; deployment/bot revision 4 (current)"), or null when it does not.</summary>
    public string? Why(StoredTag tag)
    {
        var keys = new[] { Reference(tag.Reference), tag.Id is { } id ? Id(id) : null, tag.Digest is { } digest ? Digest(digest) : null };
        var reasons = keys.OfType<string>().SelectMany(k => _why.GetValueOrDefault(k) ?? []).Distinct().ToList();
        return reasons.Count == 0 ? null : string.Join("; ", reasons);
    }

    private void Add(string key, string why)
    {
        if (!_why.TryGetValue(key, out var reasons))
        {
            _why[key] = reasons = [];
        }

        if (!reasons.Contains(why))
        {
            reasons.Add(why);
        }
    }

    private static IEnumerable<string> TemplateImages(JsonNode? podSpec) =>
        new[] { "initContainers", "containers" }
            .SelectMany(f => podSpec?[f]?.AsArray() ?? [])
            .Select(c => (string?)c?["image"])
            .OfType<string>();

    private static bool OwnedBy(JsonObject replicaSet, string deployment) =>
        (replicaSet["metadata"]?["ownerReferences"]?.AsArray() ?? []).Any(o => (string?)o?["kind"] == "Deployment" && (string?)o?["name"] == deployment);

    private static string Reference(string reference) => "ref:" + ImageReference.Normalize(reference);

    private static string Id(ImageId id) => "id:" + id.Hex;

    private static string Digest(string text) => "digest:" + text[(text.LastIndexOf('@') + 1)..];
}
