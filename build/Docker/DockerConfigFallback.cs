using System.Text.Json;
using System.Text.Json.Nodes;
using Build.Infrastructure;

namespace Build.Docker;

/// <summary>What CredsFallback looks at.</summary>
public sealed record FallbackInputs(
    string? DockerConfigVariable,
    string? HomeDirectory,
    KeepCredsSetting Keep,
    Func<string, DockerConfigFile> ReadConfigFile);

/// <summary>
/// What CredsFallback decided. When <see cref="Apply"/> is true, <see cref="ConfigJson"/> is the temporary
/// config.json: the user's config without Docker Desktop's credential helper.
/// </summary>
public sealed record FallbackDecision(bool Apply, string Reason)
{
    public string? ConfigJson { get; init; }

    /// <summary>Problems with the user's config.json worth a warning (docker has the same problems with it).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Registries whose inline credentials (auth, identitytoken, registrytoken) were kept.</summary>
    public IReadOnlyList<string> KeptLogins { get; init; } = [];

    /// <summary>Other top-level settings copied unchanged (currentContext, proxies, ...).</summary>
    public IReadOnlyList<string> KeptSettings { get; init; } = [];
}

/// <summary>
/// The decision at the heart of CredsFallback, as a pure function of the environment and the text of
/// <c>~/.docker/config.json</c>. It reads the file the way the docker CLI does (docker/cli configfile):
/// keys match case-insensitively, a syntax error makes docker ignore the whole file, and a field of the
/// wrong type is ignored on its own while the other fields still apply.
/// </summary>
public static class DockerConfigFallback
{
    /// <summary>The names Docker Desktop's helper goes by (docker-credential-desktop[.exe]).</summary>
    public static readonly IReadOnlySet<string> DesktopHelpers = new HashSet<string>(StringComparer.Ordinal) { "desktop", "desktop.exe" };

    private const string CredsStore = "credsStore";
    private const string CredHelpers = "credHelpers";
    private const string Auths = "auths";

    /// <summary>The JSON kinds docker's ConfigFile struct accepts for each known field.</summary>
    private static readonly Dictionary<string, FieldKind> KnownFields = new(StringComparer.OrdinalIgnoreCase)
    {
        [Auths] = FieldKind.MapOfObjects,
        ["HttpHeaders"] = FieldKind.MapOfStrings,
        [CredsStore] = FieldKind.String,
        [CredHelpers] = FieldKind.MapOfStrings,
        ["proxies"] = FieldKind.MapOfObjects,
        ["plugins"] = FieldKind.MapOfObjects,
        ["aliases"] = FieldKind.MapOfStrings,
        ["features"] = FieldKind.MapOfStrings,
        ["pruneFilters"] = FieldKind.ArrayOfStrings,
        ["cliPluginsExtraDirs"] = FieldKind.ArrayOfStrings,
        ["currentContext"] = FieldKind.String,
        ["experimental"] = FieldKind.String,
        ["detachKeys"] = FieldKind.String,
        ["psFormat"] = FieldKind.String,
        ["imagesFormat"] = FieldKind.String,
        ["networksFormat"] = FieldKind.String,
        ["pluginsFormat"] = FieldKind.String,
        ["volumesFormat"] = FieldKind.String,
        ["statsFormat"] = FieldKind.String,
        ["serviceInspectFormat"] = FieldKind.String,
        ["servicesFormat"] = FieldKind.String,
        ["tasksFormat"] = FieldKind.String,
        ["secretFormat"] = FieldKind.String,
        ["configFormat"] = FieldKind.String,
        ["nodesFormat"] = FieldKind.String,
    };

    private static readonly string[] InlineCredentialFields = ["auth", "identitytoken", "registrytoken"];

    private enum FieldKind
    {
        String,
        MapOfStrings,
        MapOfObjects,
        ArrayOfStrings,
    }

    /// <summary>
    /// The config a run logs in with when it must not touch the user's (a login from the environment or a saved one,
    /// with no fallback in effect): the user's settings, without any credential store or helper (so a login lands
    /// inline in the temporary file, never in a keychain) and with only the inline logins of <c>auths</c>.
    /// </summary>
    public static string WithoutCredentialStores(string? configJson)
    {
        JsonObject config;
        try
        {
            config = (configJson is { Length: > 0 } ? JsonNode.Parse(configJson) as JsonObject : null) ?? new JsonObject();
        }
        catch (JsonException)
        {
            config = new JsonObject();
        }

        foreach (var key in config.Select(p => p.Key).Where(k => k.Equals(CredsStore, StringComparison.OrdinalIgnoreCase) || k.Equals(CredHelpers, StringComparison.OrdinalIgnoreCase)).ToList())
        {
            config.Remove(key);
        }

        var auths = config.FirstOrDefault(p => p.Key.Equals(Auths, StringComparison.OrdinalIgnoreCase));
        if (auths.Key is not null)
        {
            config.Remove(auths.Key);
        }

        config[Auths] = InlineLogins(auths.Value as JsonObject, []);
        return config.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>True when the config names a credential store or helper that could hold a login for <paramref name="host"/>.</summary>
    public static bool HasCredentialStoreFor(string? configJson, string host)
    {
        try
        {
            var config = configJson is { Length: > 0 } ? JsonNode.Parse(configJson) as JsonObject : null;
            var store = config?.FirstOrDefault(p => p.Key.Equals(CredsStore, StringComparison.OrdinalIgnoreCase)).Value;
            var helpers = config?.FirstOrDefault(p => p.Key.Equals(CredHelpers, StringComparison.OrdinalIgnoreCase)).Value as JsonObject;
            return (store?.GetValueKind() == JsonValueKind.String && store.GetValue<string>().Length > 0) ||
                (helpers?.Any(h => Registry.RegistryCredentials.SameHost(h.Key, host)) ?? false);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The user's docker config directory: <c>$HOME/.docker</c>.</summary>
    public static string UserDockerDirectory(string home) => Path.Combine(home, ".docker");

    public static FallbackDecision Decide(FallbackInputs inputs)
    {
        if (!string.IsNullOrEmpty(inputs.DockerConfigVariable))
        {
            return Skip($"DOCKER_CONFIG is set ({inputs.DockerConfigVariable}), so your own docker config is used as is");
        }

        if (inputs.Keep.Keep)
        {
            return Skip($"{inputs.Keep.Source} keeps the credential helper");
        }

        if (string.IsNullOrEmpty(inputs.HomeDirectory))
        {
            return Skip("HOME is not set, so there is no ~/.docker/config.json to look at") with
            {
                Warnings = ["HOME is not set: docker cannot find ~/.docker either. Set HOME, or set DOCKER_CONFIG to your docker config directory."],
            };
        }

        var file = inputs.ReadConfigFile(Path.Combine(UserDockerDirectory(inputs.HomeDirectory), "config.json"));
        return file.State switch
        {
            DockerConfigFileState.Missing => Skip($"{file.Path} does not exist"),
            DockerConfigFileState.IsDirectory => Ignored(file.Path, "is a directory, not a file"),
            DockerConfigFileState.Unreadable => Ignored(file.Path, $"cannot be read ({file.Error})"),
            _ => Analyze(file.Path, file.Text ?? ""),
        };
    }

    private static FallbackDecision Analyze(string path, string text)
    {
        if (text.Trim().Length == 0)
        {
            return Skip($"{path} is empty");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException exception)
        {
            return Ignored(path, $"is not valid JSON ({exception.Message.Split(" Path:")[0].TrimEnd('.')})");
        }

        using (document)
        {
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? Analyze(path, document.RootElement)
                : Ignored(path, "is not a JSON object");
        }
    }

    private static FallbackDecision Analyze(string path, JsonElement root)
    {
        var warnings = new List<string>();
        var fields = ReadFields(path, root, warnings);

        var credsStore = Last(fields, CredsStore)?.GetValueKind() == JsonValueKind.String ? Last(fields, CredsStore)!.GetValue<string>() : null;
        var helpers = Last(fields, CredHelpers) as JsonObject;
        var desktopRegistries = helpers?.Where(h => IsDesktopHelper(h.Value)).Select(h => h.Key).ToList() ?? [];
        var desktopStore = credsStore is not null && DesktopHelpers.Contains(credsStore);

        if (!desktopStore && desktopRegistries.Count == 0)
        {
            var store = credsStore is null ? "no credsStore is set" : $"credsStore is \"{credsStore}\"";
            return Skip($"{path} does not use Docker Desktop's credential helper ({store})") with { Warnings = warnings };
        }

        var config = new JsonObject();
        var keptLogins = new List<string>();
        var keptSettings = new List<string>();
        foreach (var (name, value) in fields)
        {
            if (name.Equals(CredsStore, StringComparison.OrdinalIgnoreCase) && desktopStore)
            {
                continue;
            }

            if (name.Equals(CredHelpers, StringComparison.OrdinalIgnoreCase) && value is JsonObject entries)
            {
                foreach (var registry in desktopRegistries)
                {
                    entries.Remove(registry);
                }

                if (entries.Count == 0)
                {
                    continue;
                }
            }

            if (name.Equals(Auths, StringComparison.OrdinalIgnoreCase))
            {
                config[Auths] = InlineLogins(value as JsonObject, keptLogins);
                continue;
            }

            config[name] = value;
            keptSettings.Add(name);
        }

        config[Auths] ??= new JsonObject();
        var reason = desktopStore
            ? $"{path} sets credsStore \"{credsStore}\" (Docker Desktop's credential helper, which often fails on WSL)"
            : $"{path} sends {string.Join(", ", desktopRegistries)} to Docker Desktop's credential helper (credHelpers)";
        return new FallbackDecision(true, reason)
        {
            ConfigJson = config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }),
            Warnings = warnings,
            KeptLogins = keptLogins.Distinct().ToList(),
            KeptSettings = keptSettings.Distinct(StringComparer.OrdinalIgnoreCase).ToList(),
        };
    }

    /// <summary>
    /// The top-level fields, each detached as a <see cref="JsonNode"/>, with what docker would ignore left out:
    /// a known field of the wrong type, or a map entry of the wrong type (docker decodes the rest of the map).
    /// </summary>
    private static List<(string Name, JsonNode? Value)> ReadFields(string path, JsonElement root, List<string> warnings)
    {
        var fields = new List<(string Name, JsonNode? Value)>();
        foreach (var property in root.EnumerateObject())
        {
            var value = JsonNode.Parse(property.Value.GetRawText());
            if (value is null || !KnownFields.TryGetValue(property.Name, out var kind))
            {
                fields.Add((property.Name, value));
                continue;
            }

            var expected = kind is FieldKind.String ? JsonValueKind.String : kind is FieldKind.ArrayOfStrings ? JsonValueKind.Array : JsonValueKind.Object;
            if (value.GetValueKind() != expected || (kind is FieldKind.ArrayOfStrings && value.AsArray().Any(e => e is not null && e.GetValueKind() != JsonValueKind.String)))
            {
                warnings.Add($"{path}: \"{property.Name}\" should be {Describe(kind)}; docker ignores it, and so does the fallback.");
                continue;
            }

            if (value is JsonObject map)
            {
                var entryKind = kind is FieldKind.MapOfStrings ? JsonValueKind.String : JsonValueKind.Object;
                foreach (var bad in map.Where(e => e.Value is not null && e.Value.GetValueKind() != entryKind).Select(e => e.Key).ToList())
                {
                    warnings.Add($"{path}: \"{property.Name}.{bad}\" should be {(entryKind == JsonValueKind.String ? "a string" : "an object")}; docker ignores it, and so does the fallback.");
                    map.Remove(bad);
                }
            }

            fields.Add((property.Name, value));
        }

        return fields;
    }

    private static string Describe(FieldKind kind) => kind switch
    {
        FieldKind.String => "a string",
        FieldKind.ArrayOfStrings => "a list of strings",
        _ => "an object",
    };

    private static bool IsDesktopHelper(JsonNode? helper) =>
        helper?.GetValueKind() == JsonValueKind.String && DesktopHelpers.Contains(helper.GetValue<string>());

    /// <summary>The auths entries that carry credentials themselves; docker's other entries are empty placeholders.</summary>
    private static JsonObject InlineLogins(JsonObject? auths, List<string> keptLogins)
    {
        var kept = new JsonObject();
        foreach (var (registry, entry) in auths ?? [])
        {
            var hasCredentials = entry is JsonObject fields && fields.Any(field =>
                InlineCredentialFields.Contains(field.Key, StringComparer.OrdinalIgnoreCase) &&
                field.Value?.GetValueKind() == JsonValueKind.String &&
                field.Value.GetValue<string>().Length > 0);
            if (hasCredentials)
            {
                kept[registry] = entry!.DeepClone();
                keptLogins.Add(registry);
            }
        }

        return kept;
    }

    private static JsonNode? Last(List<(string Name, JsonNode? Value)> fields, string name) =>
        fields.LastOrDefault(f => f.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    private static FallbackDecision Skip(string reason) => new(false, reason);

    /// <summary>docker itself warns and ignores such a file, so it calls no helper: nothing to work around.</summary>
    private static FallbackDecision Ignored(string path, string problem) =>
        Skip($"{path} {problem}") with
        {
            Warnings = [$"{path} {problem}: docker ignores it too (\"WARNING: Error loading config file\"). Fix or remove the file."],
        };
}
