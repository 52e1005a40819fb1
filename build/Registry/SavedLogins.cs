using System.Text.Json;
using System.Text.Json.Nodes;
using Build.Infrastructure;

namespace Build.Registry;

/// <summary>
/// Registry logins saved by the RegistryLogin target for people whose docker config uses Docker Desktop's helper:
/// <c>coinpilot-redeploy/registry-logins.json</c> under <c>XDG_CONFIG_HOME</c> (<c>~/.config</c>), mode 0600, in docker's
/// own <c>auths</c> format. Outside <c>~/.docker</c>, which Docker Desktop rewrites; under the credential fallback the
/// temporary docker config gets the login for the registry a run pushes to.
/// </summary>
public sealed class SavedLogins(string path)
{
    public string Path { get; } = path;

    public static string DefaultPath(HostEnvironment host) => System.IO.Path.Combine(host.ConfigDirectory, "coinpilot-redeploy", "registry-logins.json");

    public RegistryCredentials? For(string host) =>
        File.Exists(Path) ? RegistryCredentials.Inline(Read(), host, $"the login saved by RegistryLogin ({Path})") : null;

    /// <summary>Saves (or replaces) the login for <paramref name="host"/>; the file is created with mode 0600 and replaced atomically.</summary>
    public void Save(string host, RegistryCredentials credentials)
    {
        var document = (File.Exists(Path) ? JsonNode.Parse(Read()) as JsonObject : null) ?? new JsonObject();
        var auths = document["auths"] as JsonObject ?? new JsonObject();
        document["auths"] = auths;
        foreach (var key in auths.Select(a => a.Key).Where(k => RegistryCredentials.SameHost(k, host)).ToList())
        {
            auths.Remove(key);
        }

        auths[host] = new JsonObject { ["auth"] = credentials.Auth };
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        PrivateFile.Write(Path, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    private string Read()
    {
        try
        {
            return File.ReadAllText(Path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new BuildInputException($"Cannot read the saved registry logins {Path} ({exception.Message}).");
        }
    }
}
