using System.Text.Json.Nodes;

namespace ClusterSim.Api;

/// <summary>A failure the API server reports as a metav1.Status, worded like the real server.</summary>
internal sealed class ApiException(int code, string reason, string message, JsonObject? details = null) : Exception(message)
{
    public int Code { get; } = code;

    public string Reason { get; } = reason;

    public static ApiException NotFound(ResourceType type, string name) =>
        new(404, "NotFound", $"{type.QualifiedName} \"{name}\" not found", Details(type, name));

    public static ApiException AlreadyExists(ResourceType type, string name) =>
        new(409, "AlreadyExists", $"{type.QualifiedName} \"{name}\" already exists", Details(type, name));

    public static ApiException Conflict(ResourceType type, string name) =>
        new(409, "Conflict",
            $"Operation cannot be fulfilled on {type.QualifiedName} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
            Details(type, name));

    public static ApiException BadRequest(string message) => new(400, "BadRequest", message);

    public static ApiException Gone(string message) => new(410, "Expired", message);

    public static ApiException MethodNotAllowed(string verb, ResourceType type) =>
        new(405, "MethodNotAllowed", $"{verb} is not supported on resources of kind \"{type.QualifiedName}\"");

    public static ApiException UnsupportedMediaType(string contentType) =>
        new(415, "UnsupportedMediaType",
            $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json (got \"{contentType}\")");

    /// <summary>A 422 with the field errors joined the way apimachinery's NewInvalid words them.</summary>
    public static ApiException Invalid(ResourceType type, string name, IReadOnlyList<string> fieldErrors)
    {
        var joined = fieldErrors.Count == 1 ? fieldErrors[0] : $"[{string.Join(", ", fieldErrors)}]";
        var details = Details(type, name);
        details["kind"] = type.Kind;
        details["causes"] = fieldErrors.Select(e => (JsonNode?)new JsonObject
        {
            ["reason"] = "FieldValueInvalid",
            ["message"] = e,
            ["field"] = e.Split(':')[0],
        }).ToJsonArray();
        return new(422, "Invalid", $"{type.QualifiedKind} \"{name}\" is invalid: {joined}", details);
    }

    public JsonObject ToStatus()
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = Message,
            ["reason"] = Reason,
        };
        if (details is not null)
        {
            status["details"] = details.Clone();
        }

        status["code"] = Code;
        return status;
    }

    private static JsonObject Details(ResourceType type, string name)
    {
        var details = new JsonObject { ["name"] = name };
        if (type.Group.Length > 0)
        {
            details["group"] = type.Group;
        }

        details["kind"] = type.Plural;
        return details;
    }
}
