using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Build.Infrastructure;

namespace Build.Registry;

/// <summary>A user name and password for one registry, and where they came from (never the values, in any message).</summary>
public sealed record RegistryCredentials(string Username, string Password, string Source)
{
    /// <summary>What docker keeps in <c>auths.HOST.auth</c>: base64 of <c>user:password</c>.</summary>
    public string Auth => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Username}:{Password}"));

    public override string ToString() => $"{Username} ({Source})"; // never the password

    /// <summary>Inline credentials for <paramref name="host"/> in a docker config.json (an <c>auth</c>, or <c>username</c> and <c>password</c>).</summary>
    public static RegistryCredentials? Inline(string? configJson, string host, string source)
    {
        JsonNode? auths;
        try
        {
            auths = configJson is null ? null : JsonNode.Parse(configJson)?["auths"];
        }
        catch (JsonException)
        {
            return null;
        }

        foreach (var (key, entry) in auths as JsonObject ?? [])
        {
            if (!SameHost(key, host) || entry is not JsonObject fields)
            {
                continue;
            }

            if (fields["auth"]?.GetValueKind() == JsonValueKind.String && Decode(fields["auth"]!.GetValue<string>()) is { } pair)
            {
                return new RegistryCredentials(pair.User, pair.Password, source);
            }

            if (fields["username"]?.GetValueKind() == JsonValueKind.String && fields["password"]?.GetValueKind() == JsonValueKind.String)
            {
                return new RegistryCredentials(fields["username"]!.GetValue<string>(), fields["password"]!.GetValue<string>(), source);
            }
        }

        return null;
    }

    /// <summary>COINPILOT_REGISTRY_USERNAME and COINPILOT_REGISTRY_PASSWORD, for CI (as docker/login-action takes them).</summary>
    public static RegistryCredentials? FromEnvironment(HostEnvironment host) =>
        host.RegistryUsername is { } user && host.RegistryPassword is { } password
            ? new RegistryCredentials(user, password, $"{EnvironmentVariableNames.RegistryUsername}/{EnvironmentVariableNames.RegistryPassword}")
            : null;

    /// <summary>docker's keys are a host, or a URL of it (<c>https://host/v1/</c>): they name the same registry.</summary>
    public static bool SameHost(string key, string host)
    {
        var name = key.Contains("://", StringComparison.Ordinal) ? key[(key.IndexOf("://", StringComparison.Ordinal) + 3)..] : key;
        return string.Equals(name.Split('/')[0], host, StringComparison.OrdinalIgnoreCase);
    }

    private static (string User, string Password)? Decode(string auth)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(auth));
            var colon = text.IndexOf(':');
            return colon > 0 ? (text[..colon], text[(colon + 1)..]) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
