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

    /// <summary>apierrors.NewConflict(GroupResource, name, cause) for a group resource named as <paramref name="qualified"/>.</summary>
    public static ApiException Conflict(string qualified, string group, string kind, string name, string cause)
    {
        var details = new JsonObject { ["name"] = name };
        if (group.Length > 0)
        {
            details["group"] = group;
        }

        details["kind"] = kind;
        return new(409, "Conflict", $"Operation cannot be fulfilled on {qualified} \"{name}\": {cause}", details);
    }

    public static ApiException BadRequest(string message) => new(400, "BadRequest", message);

    public static ApiException Gone(string message) => new(410, "Expired", message);

    public static ApiException MethodNotAllowed(string verb, ResourceType type) =>
        new(405, "MethodNotAllowed", $"{verb} is not supported on resources of kind \"{type.QualifiedName}\"");

    public static ApiException UnsupportedMediaType(string contentType) =>
        new(415, "UnsupportedMediaType",
            $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json (got \"{contentType}\")");

    /// <summary>
    /// A 422 with the field errors joined the way apimachinery's NewInvalid words them, naming the kind
    /// ("Deployment.apps"), or the resource ("leases.coordination.k8s.io") as the generic store does for its own checks.
    /// </summary>
    public static ApiException Invalid(ResourceType type, string name, IReadOnlyList<string> fieldErrors, bool byResource = false)
    {
        var joined = fieldErrors.Count == 1 ? fieldErrors[0] : $"[{string.Join(", ", fieldErrors)}]";
        var details = Details(type, name);
        details["kind"] = byResource ? type.Plural : type.Kind;
        details["causes"] = fieldErrors.Select(e =>
        {
            // A StatusCause per field.Error: its type, ErrorBody() without the field, and the field.
            var (field, body) = (e[..e.IndexOf(':')], e[(e.IndexOf(':') + 2)..]);
            var reason = body.StartsWith("Required value", StringComparison.Ordinal) ? "FieldValueRequired"
                : body.StartsWith("Unsupported value", StringComparison.Ordinal) ? "FieldValueNotSupported"
                : "FieldValueInvalid";
            return (JsonNode?)new JsonObject { ["reason"] = reason, ["message"] = body, ["field"] = field };
        }).ToJsonArray();
        return new(422, "Invalid", $"{(byResource ? type.QualifiedName : type.QualifiedKind)} \"{name}\" is invalid: {joined}", details);
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
