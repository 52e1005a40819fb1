using System.Text.Json.Nodes;

namespace ClusterSim;

/// <summary>Accessors for the metadata every Kubernetes object carries.</summary>
internal static class Meta
{
    public static JsonObject Of(JsonObject obj) => obj.Child("metadata");

    public static string Name(JsonObject obj) => obj.Str("metadata", "name") ?? "";

    public static string Namespace(JsonObject obj) => obj.Str("metadata", "namespace") ?? "";

    public static string Uid(JsonObject obj) => obj.Str("metadata", "uid") ?? "";

    public static long Generation(JsonObject obj) => obj.Long("metadata", "generation") ?? 0;

    public static bool IsTerminating(JsonObject obj) => obj.Str("metadata", "deletionTimestamp") is not null;

    public static DateTimeOffset Created(JsonObject obj) =>
        Json.ParseTime(obj.Str("metadata", "creationTimestamp")) ?? DateTimeOffset.UtcNow;

    public static Dictionary<string, string> Labels(JsonObject obj) => obj.StringMap("metadata", "labels");

    public static Dictionary<string, string> Annotations(JsonObject obj) => obj.StringMap("metadata", "annotations");

    public static string? Annotation(JsonObject obj, string key) => obj.Str("metadata", "annotations", key);

    public static void SetAnnotation(JsonObject obj, string key, string value) => Of(obj).Child("annotations")[key] = value;

    /// <summary>The uid of the owner whose reference says controller: true.</summary>
    public static string? ControllerUid(JsonObject obj) =>
        obj.Arr("metadata", "ownerReferences").Objects().FirstOrDefault(r => r.Bool("controller") == true)?.Str("uid");

    public static JsonObject OwnerReference(JsonObject owner) => new()
    {
        ["apiVersion"] = owner.Str("apiVersion"),
        ["kind"] = owner.Str("kind"),
        ["name"] = Name(owner),
        ["uid"] = Uid(owner),
        ["controller"] = true,
        ["blockOwnerDeletion"] = true,
    };
}
