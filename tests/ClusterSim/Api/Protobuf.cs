using System.Text;
using System.Text.Json.Nodes;

namespace ClusterSim.Api;

/// <summary>
/// Decodes the protobuf request bodies kubectl's typed clients send (`kubectl create namespace`,
/// `kubectl create deployment`: Content-Type application/vnd.kubernetes.protobuf, and client-go does not fall back
/// to JSON) into the JSON the rest of the server works with. Field numbers come from the generated.proto files of
/// k8s.io/api; only the messages and fields of Namespace, Deployment, Pod, Secret (`kubectl create secret`), ConfigMap
/// (`kubectl create configmap`) and ServiceAccount that such commands fill are known (secret data bytes become base64, as in JSON), and
/// a body using anything else is refused with 415 naming the field. As when the real server decodes into Go
/// structs, zero scalars of non-pointer fields mean "absent".
/// </summary>
internal static class Protobuf
{
    private static readonly byte[] Magic = "k8s\0"u8.ToArray();

    private enum Kind
    {
        String,
        Int,
        Bool,
        Message,
        StringMap,
        BytesMap,
        QuantityMap,
        IntOrString,
        Time,
    }

    private sealed record Field(string Name, Kind Kind, string? Message = null, bool Repeated = false, bool Pointer = false);

    private static Field S(string name) => new(name, Kind.String);

    private static Field Strings(string name) => new(name, Kind.String, Repeated: true);

    private static Field I(string name, bool pointer = false) => new(name, Kind.Int, Pointer: pointer);

    private static Field B(string name, bool pointer = false) => new(name, Kind.Bool, Pointer: pointer);

    private static Field M(string name, string message, bool repeated = false) => new(name, Kind.Message, message, repeated);

    private static readonly Dictionary<string, Dictionary<int, Field>> Schema = new()
    {
        ["ObjectMeta"] = new()
        {
            [1] = S("name"), [2] = S("generateName"), [3] = S("namespace"), [4] = S("selfLink"), [5] = S("uid"), [6] = S("resourceVersion"),
            [7] = I("generation"), [8] = new("creationTimestamp", Kind.Time), [9] = new("deletionTimestamp", Kind.Time),
            [10] = I("deletionGracePeriodSeconds", pointer: true), [11] = new("labels", Kind.StringMap), [12] = new("annotations", Kind.StringMap),
            [13] = M("ownerReferences", "OwnerReference", repeated: true), [14] = Strings("finalizers"), [17] = M("managedFields", "Ignored", repeated: true),
        },
        ["OwnerReference"] = new()
        {
            [1] = S("kind"), [3] = S("name"), [4] = S("uid"), [5] = S("apiVersion"), [6] = B("controller", pointer: true), [7] = B("blockOwnerDeletion", pointer: true),
        },
        ["LabelSelector"] = new() { [1] = new("matchLabels", Kind.StringMap), [2] = M("matchExpressions", "LabelSelectorRequirement", repeated: true) },
        ["LabelSelectorRequirement"] = new() { [1] = S("key"), [2] = S("operator"), [3] = Strings("values") },
        ["Namespace"] = new() { [1] = M("metadata", "ObjectMeta"), [2] = M("spec", "NamespaceSpec"), [3] = M("status", "NamespaceStatus") },
        ["NamespaceSpec"] = new() { [1] = Strings("finalizers") },
        ["NamespaceStatus"] = new() { [1] = S("phase") },
        ["Deployment"] = new() { [1] = M("metadata", "ObjectMeta"), [2] = M("spec", "DeploymentSpec"), [3] = M("status", "Ignored") },
        ["DeploymentSpec"] = new()
        {
            [1] = I("replicas", pointer: true), [2] = M("selector", "LabelSelector"), [3] = M("template", "PodTemplateSpec"), [4] = M("strategy", "DeploymentStrategy"),
            [5] = I("minReadySeconds"), [6] = I("revisionHistoryLimit", pointer: true), [7] = B("paused"), [9] = I("progressDeadlineSeconds", pointer: true),
        },
        ["DeploymentStrategy"] = new() { [1] = S("type"), [2] = M("rollingUpdate", "RollingUpdateDeployment") },
        ["RollingUpdateDeployment"] = new() { [1] = new("maxUnavailable", Kind.IntOrString), [2] = new("maxSurge", Kind.IntOrString) },
        ["Pod"] = new() { [1] = M("metadata", "ObjectMeta"), [2] = M("spec", "PodSpec"), [3] = M("status", "Ignored") },
        ["PodTemplateSpec"] = new() { [1] = M("metadata", "ObjectMeta"), [2] = M("spec", "PodSpec") },
        ["PodSpec"] = new()
        {
            [2] = M("containers", "Container", repeated: true), [3] = S("restartPolicy"), [4] = I("terminationGracePeriodSeconds", pointer: true),
            [5] = I("activeDeadlineSeconds", pointer: true), [6] = S("dnsPolicy"), [7] = new("nodeSelector", Kind.StringMap), [8] = S("serviceAccountName"),
            [9] = S("serviceAccount"), [10] = S("nodeName"), [11] = B("hostNetwork"), [12] = B("hostPID"), [13] = B("hostIPC"),
            [14] = M("securityContext", "Empty"), [15] = M("imagePullSecrets", "LocalObjectReference", repeated: true), [16] = S("hostname"),
            [17] = S("subdomain"), [19] = S("schedulerName"), [20] = M("initContainers", "Container", repeated: true),
            [21] = B("automountServiceAccountToken", pointer: true), [24] = S("priorityClassName"), [25] = I("priority", pointer: true),
            [27] = B("shareProcessNamespace", pointer: true), [29] = new("runtimeClassName", Kind.String, Pointer: true),
            [30] = B("enableServiceLinks", pointer: true), [31] = new("preemptionPolicy", Kind.String, Pointer: true),
            [35] = B("setHostnameAsFQDN", pointer: true), [37] = B("hostUsers", pointer: true),
        },
        ["Container"] = new()
        {
            [1] = S("name"), [2] = S("image"), [3] = Strings("command"), [4] = Strings("args"), [5] = S("workingDir"),
            [6] = M("ports", "ContainerPort", repeated: true), [7] = M("env", "EnvVar", repeated: true), [8] = M("resources", "ResourceRequirements"),
            [9] = M("volumeMounts", "VolumeMount", repeated: true), [13] = S("terminationMessagePath"), [14] = S("imagePullPolicy"),
            [15] = M("securityContext", "Empty"), [16] = B("stdin"), [17] = B("stdinOnce"), [18] = B("tty"), [20] = S("terminationMessagePolicy"),
            [24] = new("restartPolicy", Kind.String, Pointer: true),
        },
        ["ContainerPort"] = new() { [1] = S("name"), [2] = I("hostPort"), [3] = I("containerPort"), [4] = S("protocol"), [5] = S("hostIP") },
        ["EnvVar"] = new() { [1] = S("name"), [2] = S("value") },
        ["ResourceRequirements"] = new() { [1] = new("limits", Kind.QuantityMap), [2] = new("requests", Kind.QuantityMap) },
        ["VolumeMount"] = new()
        {
            [1] = S("name"), [2] = B("readOnly"), [3] = S("mountPath"), [4] = S("subPath"), [5] = new("mountPropagation", Kind.String, Pointer: true),
            [6] = S("subPathExpr"), [7] = new("recursiveReadOnly", Kind.String, Pointer: true),
        },
        ["LocalObjectReference"] = new() { [1] = S("name") },
        ["Secret"] = new()
        {
            [1] = M("metadata", "ObjectMeta"), [2] = new("data", Kind.BytesMap), [3] = S("type"), [4] = new("stringData", Kind.StringMap),
            [5] = B("immutable", pointer: true),
        },
        ["ConfigMap"] = new()
        {
            [1] = M("metadata", "ObjectMeta"), [2] = new("data", Kind.StringMap), [3] = new("binaryData", Kind.BytesMap), [4] = B("immutable", pointer: true),
        },
        ["ServiceAccount"] = new()
        {
            [1] = M("metadata", "ObjectMeta"), [2] = M("secrets", "ObjectReference", repeated: true),
            [3] = M("imagePullSecrets", "LocalObjectReference", repeated: true), [4] = B("automountServiceAccountToken", pointer: true),
        },
        ["ObjectReference"] = new()
        {
            [1] = S("kind"), [2] = S("namespace"), [3] = S("name"), [4] = S("uid"), [5] = S("apiVersion"), [6] = S("resourceVersion"), [7] = S("fieldPath"),
        },
        ["Empty"] = new(),
        ["Ignored"] = new(),
    };

    public static bool IsProtobuf(string? contentType) => contentType?.StartsWith("application/vnd.kubernetes.protobuf", StringComparison.Ordinal) == true;

    /// <summary>The object in a "k8s\0" + runtime.Unknown envelope, as JSON with apiVersion and kind.</summary>
    public static JsonObject Decode(byte[] body)
    {
        if (body.Length < Magic.Length || !body.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw ApiException.BadRequest("the protobuf body does not start with the k8s\\0 envelope prefix");
        }

        string? apiVersion = null, kind = null;
        byte[]? raw = null;
        var envelope = new Reader(body, Magic.Length, body.Length);
        while (envelope.Next(out var number, out var wire))
        {
            switch (number)
            {
                case 1:
                    var typeMeta = envelope.Slice();
                    while (typeMeta.Next(out var n, out _))
                    {
                        var text = typeMeta.String();
                        if (n == 1)
                        {
                            apiVersion = text;
                        }
                        else if (n == 2)
                        {
                            kind = text;
                        }
                    }

                    break;
                case 2:
                    raw = envelope.Bytes();
                    break;
                default:
                    envelope.Skip(wire);
                    break;
            }
        }

        if (kind is null || raw is null || !Schema.ContainsKey(kind) || kind is "Empty" or "Ignored")
        {
            throw Unsupported($"kind {kind ?? "(none)"}");
        }

        var obj = Message(kind, new Reader(raw, 0, raw.Length));
        obj["apiVersion"] = apiVersion;
        obj["kind"] = kind;
        return obj;
    }

    private static JsonObject Message(string message, Reader reader)
    {
        var result = new JsonObject();
        var fields = Schema[message];
        while (reader.Next(out var number, out var wire))
        {
            if (message == "Ignored")
            {
                reader.Skip(wire);
                continue;
            }

            if (!fields.TryGetValue(number, out var field))
            {
                throw Unsupported($"field {number} of {message}");
            }

            var value = Value(field, message, reader);
            if (value is null)
            {
                continue;
            }

            if (field.Repeated)
            {
                if (result[field.Name] is not JsonArray list)
                {
                    list = [];
                    result[field.Name] = list;
                }

                list.Add(value);
            }
            else if (field.Kind is Kind.StringMap or Kind.BytesMap or Kind.QuantityMap)
            {
                var map = result[field.Name] as JsonObject ?? new JsonObject();
                result[field.Name] = map;
                foreach (var (key, item) in (JsonObject)value)
                {
                    map[key] = item?.DeepClone();
                }
            }
            else
            {
                result[field.Name] = value;
            }
        }

        foreach (var ignored in new[] { "managedFields", "status" }.Where(k => message != "Namespace" || k != "status"))
        {
            if (result[ignored] is JsonArray or JsonObject { Count: 0 })
            {
                result.Remove(ignored);
            }
        }

        return result;
    }

    private static JsonNode? Value(Field field, string message, Reader reader)
    {
        switch (field.Kind)
        {
            case Kind.String:
            {
                var text = reader.String();
                return text.Length == 0 && !field.Pointer && !field.Repeated ? null : text;
            }

            case Kind.Int:
            {
                var number = (long)reader.Varint();
                number = number > int.MaxValue && number <= uint.MaxValue ? (int)number : number;
                return number == 0 && !field.Pointer ? null : number;
            }

            case Kind.Bool:
            {
                var flag = reader.Varint() != 0;
                return !flag && !field.Pointer ? null : flag;
            }

            case Kind.Message:
            {
                var nested = reader.Slice();
                if (field.Message == "Empty" && nested.HasMore)
                {
                    throw Unsupported($"{field.Name} of {message}");
                }

                return Message(field.Message!, nested);
            }

            case Kind.Time:
            {
                var time = reader.Slice();
                long seconds = 0;
                while (time.Next(out var n, out var w))
                {
                    if (n == 1)
                    {
                        seconds = (long)time.Varint();
                    }
                    else
                    {
                        time.Skip(w);
                    }
                }

                return seconds <= 0 ? null : Json.Time(DateTimeOffset.FromUnixTimeSeconds(seconds));
            }

            case Kind.IntOrString:
            {
                var entry = reader.Slice();
                long type = 0, intValue = 0;
                var stringValue = "";
                while (entry.Next(out var n, out var w))
                {
                    switch (n)
                    {
                        case 1:
                            type = (long)entry.Varint();
                            break;
                        case 2:
                            intValue = (long)entry.Varint();
                            break;
                        case 3:
                            stringValue = entry.String();
                            break;
                        default:
                            entry.Skip(w);
                            break;
                    }
                }

                return type == 1 ? stringValue : intValue;
            }

            default:
            {
                var entry = reader.Slice();
                string key = "";
                JsonNode? value = "";
                while (entry.Next(out var n, out var w))
                {
                    if (n == 1)
                    {
                        key = entry.String();
                    }
                    else if (n == 2 && field.Kind == Kind.StringMap)
                    {
                        value = entry.String();
                    }
                    else if (n == 2 && field.Kind == Kind.BytesMap)
                    {
                        value = Convert.ToBase64String(entry.Bytes());
                    }
                    else if (n == 2)
                    {
                        var quantity = entry.Slice();
                        while (quantity.Next(out var q, out var qw))
                        {
                            if (q == 1)
                            {
                                value = quantity.String();
                            }
                            else
                            {
                                quantity.Skip(qw);
                            }
                        }
                    }
                    else
                    {
                        entry.Skip(w);
                    }
                }

                return new JsonObject { [key] = value };
            }
        }
    }

    private static ApiException Unsupported(string what) =>
        new(415, "UnsupportedMediaType",
            $"clustersim decodes only part of the protobuf schema and not {what}; send application/json (kubectl apply -f does)");

    /// <summary>The protobuf wire format: varints, length-delimited fields, fixed 32/64-bit fields.</summary>
    private sealed class Reader(byte[] data, int start, int end)
    {
        private readonly byte[] data = data;
        private readonly int end = end;
        private int position = start;

        public bool HasMore => position < end;

        public bool Next(out int number, out int wire)
        {
            if (position >= end)
            {
                number = wire = 0;
                return false;
            }

            var tag = Varint();
            number = (int)(tag >> 3);
            wire = (int)(tag & 7);
            return true;
        }

        public ulong Varint()
        {
            ulong value = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                if (position >= end)
                {
                    throw ApiException.BadRequest("truncated protobuf varint");
                }

                var b = data[position++];
                value |= (ulong)(b & 0x7f) << shift;
                if (b < 0x80)
                {
                    return value;
                }
            }

            throw ApiException.BadRequest("malformed protobuf varint");
        }

        public Reader Slice()
        {
            var length = (int)Varint();
            if (length < 0 || position + length > end)
            {
                throw ApiException.BadRequest("truncated protobuf field");
            }

            var slice = new Reader(data, position, position + length);
            position += length;
            return slice;
        }

        public byte[] Bytes()
        {
            var slice = Slice();
            return data[slice.position..slice.end];
        }

        public string String()
        {
            var slice = Slice();
            return Encoding.UTF8.GetString(data, slice.position, slice.end - slice.position);
        }

        public void Skip(int wire)
        {
            switch (wire)
            {
                case 0:
                    Varint();
                    break;
                case 1:
                    position += 8;
                    break;
                case 2:
                    Slice();
                    break;
                case 5:
                    position += 4;
                    break;
                default:
                    throw ApiException.BadRequest($"unsupported protobuf wire type {wire}");
            }
        }
    }
}
