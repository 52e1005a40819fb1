using System.Text.Json;
using System.Text.RegularExpressions;
using Build.Infrastructure;

namespace Build.Configuration;

/// <summary>
/// The services file (<c>redeploy.json</c>): where the cluster is and how each service is built and deployed.
/// <see cref="Load"/> checks everything it can without running anything, and names the file and the field in
/// every error.
/// </summary>
public sealed partial record RedeployConfig(
    string FilePath,
    string Namespace,
    string KubeContext,
    string MinikubeProfile,
    IReadOnlyList<string> Manifests,
    IReadOnlyList<ServiceConfig> Services)
{
    /// <summary>How images reach the cluster (the services file's <c>imageDelivery</c>, or the argument's).</summary>
    public Delivery.DeliveryMode ImageDelivery { get; init; } = Delivery.DeliveryMode.Auto;

    /// <summary>Where registry delivery pushes (the services file's <c>registry</c>, or the argument's), if anywhere.</summary>
    public Registry.RegistryAddress? Registry { get; init; }

    public const string DefaultNamespace = "default";
    public const string DefaultProfile = "minikube";

    private static readonly string[] TopLevelFields = ["namespace", "kubeContext", "minikubeProfile", "imageDelivery", "registry", "manifests", "services"];
    private static readonly string[] ServiceFields = ["name", "image", "dockerfile", "context", "deployment", "container", "target", "buildArgs", "platform"];

    private string FileName => Path.GetFileName(FilePath);

    public static RedeployConfig Load(string path)
    {
        var name = Path.GetFileName(path);
        if (Directory.Exists(path) || !File.Exists(path))
        {
            throw new BuildInputException(
                $"{path} does not exist. Create it (see the README's \"Services file\") or pass --{ArgumentNames.Config}=FILE.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException exception)
        {
            throw new BuildInputException($"{name} is not valid JSON (line {exception.LineNumber + 1}): {exception.Message.Split(" Path:")[0]}");
        }

        using (document)
        {
            return Parse(path, document.RootElement);
        }
    }

    /// <summary>The same configuration with the command line's overrides applied and the chosen services selected.</summary>
    public RedeployConfig WithOverrides(BuildSettings settings)
    {
        var services = Services;
        if (settings.Services is { } wanted)
        {
            var unknown = wanted.Where(w => Services.All(s => s.Name != w)).ToList();
            if (unknown.Count > 0)
            {
                throw new BuildInputException(
                    $"--{ArgumentNames.Services}: no service named {string.Join(", ", unknown)} in {FileName} (it has {string.Join(", ", Services.Select(s => s.Name))}).");
            }

            services = Services.Where(s => wanted.Contains(s.Name)).ToList();
        }

        var profile = settings.MinikubeProfile ?? MinikubeProfile;
        return this with
        {
            Namespace = Checked(settings.Namespace, "--" + ArgumentNames.Namespace) ?? Namespace,
            // A profile given on the command line brings its own context, unless the context is given too.
            KubeContext = settings.KubeContext ?? (settings.MinikubeProfile is null ? KubeContext : profile),
            MinikubeProfile = profile,
            Services = services,
            ImageDelivery = settings.ImageDelivery ?? ImageDelivery,
            Registry = settings.Registry ?? Registry,
        };

        static string? Checked(string? @namespace, string source) =>
            @namespace is null || DnsLabel().IsMatch(@namespace)
                ? @namespace
                : throw new BuildInputException($"{source}={@namespace} is not a valid namespace name (lowercase letters, digits and '-', at most 63).");
    }

    private static RedeployConfig Parse(string path, JsonElement root)
    {
        var reader = new FieldReader(Path.GetFileName(path), Path.GetDirectoryName(path)!);
        reader.ExpectObject(root, "the top level", TopLevelFields);

        var profile = reader.OptionalString(root, "minikubeProfile") ?? DefaultProfile;
        var @namespace = reader.OptionalString(root, "namespace") ?? DefaultNamespace;
        if (!DnsLabel().IsMatch(@namespace))
        {
            throw reader.Error("namespace", $"\"{@namespace}\" is not a valid namespace name (lowercase letters, digits and '-', at most 63)");
        }

        var manifests = root.TryGetProperty("manifests", out var manifestList)
            ? reader.List(manifestList, "manifests").Select((m, i) => reader.ExistingFile(reader.Text(m, $"manifests[{i}]"), $"manifests[{i}]")).ToList()
            : [];

        if (!root.TryGetProperty("services", out var serviceList))
        {
            throw reader.Error("services", "is missing: list the services to build, e.g. [{ \"name\": \"bot\", \"image\": \"coinpilot-bot\", ... }]");
        }

        var services = reader.List(serviceList, "services").Select((s, i) => ParseService(reader, s, $"services[{i}]")).ToList();
        if (services.Count == 0)
        {
            throw reader.Error("services", "is empty: list at least one service");
        }

        foreach (var duplicate in services.GroupBy(s => s.Name).Where(g => g.Count() > 1))
        {
            throw reader.Error("services", $"name \"{duplicate.Key}\" is used by more than one service");
        }

        // Two services building one repository would overwrite each other's :latest and race for its tags.
        foreach (var shared in services.GroupBy(s => s.Image).Where(g => g.Count() > 1))
        {
            throw reader.Error("services", $"image \"{shared.Key}\" is used by {string.Join(" and ", shared.Select(s => s.Name))}: give each service its own image repository");
        }

        return new RedeployConfig(path, @namespace, reader.OptionalString(root, "kubeContext") ?? profile, profile, manifests, services)
        {
            ImageDelivery = reader.OptionalString(root, "imageDelivery") is { } delivery ? reader.Checked(() => Delivery.DeliveryChoice.Parse(delivery, "imageDelivery"), "imageDelivery") : Delivery.DeliveryMode.Auto,
            Registry = reader.OptionalString(root, "registry") is { } registry ? reader.Checked(() => Build.Registry.RegistryAddress.Parse(registry, "registry"), "registry") : null,
        };
    }

    private static ServiceConfig ParseService(FieldReader reader, JsonElement service, string at)
    {
        reader.ExpectObject(service, at, ServiceFields);
        var name = reader.RequiredString(service, at, "name", "the service's name, e.g. bot");
        if (!DnsLabel().IsMatch(name))
        {
            throw reader.Error($"{at}.name", $"\"{name}\" must be a lowercase name of letters, digits and '-'");
        }

        var image = reader.RequiredString(service, at, "image", "the image repository to build, e.g. coinpilot-bot");
        if (!ImageRepository().IsMatch(image))
        {
            throw reader.Error($"{at}.image", $"\"{image}\" must be an image repository without a tag or digest (lowercase, e.g. coinpilot-bot); the build picks the tags");
        }

        var context = reader.ExistingDirectory(reader.RequiredString(service, at, "context", "the docker build context directory"), $"{at}.context");
        var dockerfile = reader.OptionalString(service, "dockerfile", at) is { } file
            ? reader.ExistingFile(file, $"{at}.dockerfile")
            : reader.ExistingFile(Path.Combine(context, "Dockerfile"), $"{at}.dockerfile (default: the context's Dockerfile)");
        var platform = reader.OptionalString(service, "platform", at);
        if (platform is not null && !PlatformPattern().IsMatch(platform))
        {
            throw reader.Error($"{at}.platform", $"\"{platform}\" is not a platform: use os/arch[/variant], e.g. linux/amd64");
        }

        return new ServiceConfig(
            name,
            image,
            dockerfile,
            context,
            reader.OptionalString(service, "deployment", at) ?? name,
            reader.OptionalString(service, "container", at) ?? name)
        {
            Target = reader.OptionalString(service, "target", at),
            BuildArgs = reader.StringMap(service, "buildArgs", at),
            Platform = platform,
        };
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")]
    private static partial Regex DnsLabel();

    [GeneratedRegex("^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._-][a-z0-9]+)*)*$")]
    private static partial Regex ImageRepository();

    [GeneratedRegex("^[a-z0-9]+/[a-z0-9_]+(/[a-z0-9]+)?$")]
    private static partial Regex PlatformPattern();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex BuildArgName();

    /// <summary>Reads fields and words errors as "FILE: FIELD ...".</summary>
    private sealed class FieldReader(string fileName, string directory)
    {
        public BuildInputException Error(string field, string problem) => new($"{fileName}: {field} {problem}.");

        public void ExpectObject(JsonElement element, string at, string[] knownFields)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                throw Error(at, $"must be a JSON object, not {Describe(element)}");
            }

            foreach (var property in element.EnumerateObject().Where(p => !knownFields.Contains(p.Name, StringComparer.Ordinal)))
            {
                var near = knownFields.FirstOrDefault(k => k.Equals(property.Name, StringComparison.OrdinalIgnoreCase));
                var hint = near is null ? $"known fields: {string.Join(", ", knownFields)}" : $"did you mean {near}?";
                throw Error(at == "the top level" ? property.Name : $"{at}.{property.Name}", $"is not a known field ({hint})");
            }
        }

        /// <summary>A value parsed by a parser that explains itself; its error gets the file name in front.</summary>
        public T Checked<T>(Func<T> parse, string field)
        {
            try
            {
                return parse();
            }
            catch (BuildInputException invalid)
            {
                throw new BuildInputException($"{fileName}: {invalid.Message}");
            }
        }

        public string? OptionalString(JsonElement element, string field, string? at = null) =>
            !element.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null
                ? null
                : Text(value, at is null ? field : $"{at}.{field}");

        public string RequiredString(JsonElement element, string at, string field, string meaning) =>
            OptionalString(element, field, at) ?? throw Error($"{at}.{field}", $"is missing ({meaning})");

        /// <summary>An object of string values, e.g. <c>"buildArgs": {"VERSION": "1.2"}</c>; empty when absent.</summary>
        public IReadOnlyDictionary<string, string> StringMap(JsonElement element, string field, string at)
        {
            if (!element.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return new Dictionary<string, string>();
            }

            if (value.ValueKind != JsonValueKind.Object)
            {
                throw Error($"{at}.{field}", $"must be an object of names and values, e.g. {{ \"VERSION\": \"1.2\" }}, not {Describe(value)}");
            }

            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var entry in value.EnumerateObject())
            {
                if (!BuildArgName().IsMatch(entry.Name))
                {
                    throw Error($"{at}.{field}.{entry.Name}", "is not a valid build argument name (letters, digits and '_', not starting with a digit)");
                }

                map[entry.Name] = entry.Value.ValueKind == JsonValueKind.String
                    ? entry.Value.GetString()!
                    : throw Error($"{at}.{field}.{entry.Name}", $"must be a string, not {Describe(entry.Value)}");
            }

            return map;
        }

        public IReadOnlyList<JsonElement> List(JsonElement element, string at) =>
            element.ValueKind == JsonValueKind.Array
                ? element.EnumerateArray().ToList()
                : throw Error(at, $"must be a list, not {Describe(element)}");

        public string Text(JsonElement element, string at) =>
            element.ValueKind == JsonValueKind.String && element.GetString()!.Trim().Length > 0
                ? element.GetString()!.Trim()
                : throw Error(at, $"must be a non-empty string, not {Describe(element)}");

        public string ExistingFile(string relative, string at)
        {
            var full = Path.GetFullPath(relative, directory);
            return File.Exists(full) ? full : throw Error(at, $"names {full}, which does not exist");
        }

        public string ExistingDirectory(string relative, string at)
        {
            var full = Path.GetFullPath(relative, directory);
            return Directory.Exists(full) ? full : throw Error(at, $"names {full}, which is not a directory");
        }

        private static string Describe(JsonElement element) => element.ValueKind switch
        {
            JsonValueKind.String => $"\"{element.GetString()}\"",
            JsonValueKind.Number => $"the number {element.GetRawText()}",
            JsonValueKind.Array => "a list",
            JsonValueKind.Object => "an object",
            JsonValueKind.True or JsonValueKind.False => element.GetRawText(),
            _ => "null",
        };
    }
}
