using System.Text;
using System.Text.Json.Nodes;

namespace ClusterSim.Node;

/// <summary>A username and password for one registry, from an image pull secret.</summary>
internal sealed record RegistryCredential(string Registry, string Username, string Password);

/// <summary>
/// The kubelet's reading of image pull secrets (k8s.io/kubernetes pkg/credentialprovider): a secret of type
/// kubernetes.io/dockerconfigjson holds {"auths": {REGISTRY: {...}}} under the key .dockerconfigjson, one of type
/// kubernetes.io/dockercfg holds {REGISTRY: {...}} under .dockercfg; each entry has "auth" (base64 of user:password)
/// or "username" and "password". A key matches an image's registry when host and port are equal once a scheme and
/// path are stripped ("http://127.0.0.1:5000/v2/" matches 127.0.0.1:5000; index.docker.io is docker.io).
/// </summary>
internal static class PullSecrets
{
    public const string DockerConfigJsonType = "kubernetes.io/dockerconfigjson";
    public const string DockerConfigJsonKey = ".dockerconfigjson";
    public const string DockerCfgType = "kubernetes.io/dockercfg";
    public const string DockerCfgKey = ".dockercfg";

    /// <summary>The credentials a secret holds; none when its type or content is not a docker config.</summary>
    public static IReadOnlyList<RegistryCredential> Read(JsonObject secret)
    {
        var (key, nested) = secret.Str("type") switch
        {
            DockerConfigJsonType => (DockerConfigJsonKey, true),
            DockerCfgType => (DockerCfgKey, false),
            _ => ("", false),
        };
        if (key.Length == 0 || secret.Str("data", key) is not { } encoded)
        {
            return [];
        }

        JsonObject? config;
        try
        {
            config = JsonNode.Parse(Convert.FromBase64String(encoded)) as JsonObject;
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException)
        {
            return [];
        }

        var auths = nested ? config.Obj("auths") : config;
        var credentials = new List<RegistryCredential>();
        foreach (var (registry, entry) in auths ?? [])
        {
            if (entry is not JsonObject fields)
            {
                continue;
            }

            var (user, password) = (fields.Str("username") ?? "", fields.Str("password") ?? "");
            if (fields.Str("auth") is { Length: > 0 } auth)
            {
                try
                {
                    var pair = Encoding.UTF8.GetString(Convert.FromBase64String(auth));
                    var colon = pair.IndexOf(':');
                    if (colon >= 0)
                    {
                        (user, password) = (pair[..colon], pair[(colon + 1)..]);
                    }
                }
                catch (FormatException)
                {
                    continue;
                }
            }

            credentials.Add(new RegistryCredential(registry, user, password));
        }

        return credentials;
    }

    /// <summary>Whether a docker config key names the registry <paramref name="domain"/> (an image reference's domain).</summary>
    public static bool Matches(string key, string domain) => string.Equals(Host(key), Host(domain), StringComparison.OrdinalIgnoreCase);

    private static string Host(string key)
    {
        var host = key;
        var scheme = host.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            host = host[(scheme + 3)..];
        }

        var slash = host.IndexOf('/');
        if (slash >= 0)
        {
            host = host[..slash];
        }

        return host is "index.docker.io" or "registry-1.docker.io" ? ImageReference.DockerHub : host;
    }
}
