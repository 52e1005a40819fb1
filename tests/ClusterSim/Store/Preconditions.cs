using System.Text.Json.Nodes;
using ClusterSim.Api;

namespace ClusterSim.Store;

/// <summary>
/// DeleteOptions.preconditions: the uid and/or resourceVersion the object must still have. The API server checks
/// them twice: early, in rest.BeforeDelete, against the object it read (the error a client normally sees), and again
/// inside the storage transaction (storage.Preconditions.Check), which only fails when the object changed in between.
/// </summary>
internal sealed record Preconditions(string? Uid, string? ResourceVersion)
{
    public static Preconditions? From(JsonObject? deleteOptions) =>
        deleteOptions?.Obj("preconditions") is { } p && (p.Str("uid") is not null || p.Str("resourceVersion") is not null)
            ? new Preconditions(p.Str("uid"), p.Str("resourceVersion"))
            : null;

    /// <summary>rest.BeforeDelete: a Conflict on GroupResource{group, Resource: Kind}, so the message names the kind.</summary>
    public void CheckBeforeDelete(ResourceType type, JsonObject current)
    {
        var name = Meta.Name(current);
        if (Uid is not null && Uid != Meta.Uid(current))
        {
            throw ApiException.Conflict(type.QualifiedKind, type.Group, type.Kind, name,
                $"the UID in the precondition ({Uid}) does not match the UID in record ({Meta.Uid(current)}). The object might have been deleted and then recreated");
        }

        var version = current.Str("metadata", "resourceVersion");
        if (ResourceVersion is not null && ResourceVersion != version)
        {
            throw ApiException.Conflict(type.QualifiedKind, type.Group, type.Kind, name,
                $"the ResourceVersion in the precondition ({ResourceVersion}) does not match the ResourceVersion in record ({version}). The object might have been modified");
        }
    }

    /// <summary>storage.Preconditions.Check in the transaction: an invalid-object StorageError, interpreted as a Conflict on the resource.</summary>
    public void CheckInStorage(ResourceType type, JsonObject current)
    {
        var (field, wanted, actual) = Uid is not null && Uid != Meta.Uid(current) ? ("UID", Uid, Meta.Uid(current))
            : ResourceVersion is not null && ResourceVersion != current.Str("metadata", "resourceVersion") ? ("ResourceVersion", ResourceVersion, current.Str("metadata", "resourceVersion"))
            : (null, null, null);
        if (field is null)
        {
            return;
        }

        var ns = Meta.Namespace(current);
        var key = ns.Length > 0 ? $"/registry/{type.Plural}/{ns}/{Meta.Name(current)}" : $"/registry/{type.Plural}/{Meta.Name(current)}";
        throw ApiException.Conflict(type.QualifiedName, type.Group, type.Plural, Meta.Name(current),
            $"StorageError: invalid object, Code: 4, Key: {key}, ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: {field} in precondition: {wanted}, {field} in object meta: {actual}");
    }
}
