using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Build.Kubernetes;

/// <summary>Image pull secrets as kubectl returns them (<c>kubectl get secrets -o json</c>).</summary>
public static class PullSecrets
{
    /// <summary>The secrets of type <c>kubernetes.io/dockerconfigjson</c> that hold a login for <paramref name="host"/>.</summary>
    public static IReadOnlyList<string> For(JsonNode? secretList, string host) =>
        (secretList?["items"]?.AsArray() ?? [])
            .OfType<JsonNode>()
            .Where(s => s["type"]?.GetValue<string>() == "kubernetes.io/dockerconfigjson" && Hosts(s).Any(h => Registry.RegistryCredentials.SameHost(h, host)))
            .Select(s => s["metadata"]?["name"]?.GetValue<string>() ?? "")
            .ToList();

    /// <summary>
    /// The two commands that give a namespace a pull secret for <paramref name="host"/> and make its default service
    /// account use it, for a user to run; <paramref name="kubectl"/> prefixes them with the run's context and namespace.
    /// </summary>
    public static string CreateAndUseCommands(Func<string, string> kubectl, string host) =>
        $"{kubectl($"create secret docker-registry regcred --docker-server={host} --docker-username=NAME --docker-password=PASSWORD")}, " +
        $"then {UseCommand(kubectl, "regcred")}";

    /// <summary>The command that makes the namespace's default service account use the pull secret <paramref name="name"/>.</summary>
    public static string UseCommand(Func<string, string> kubectl, string name) =>
        kubectl($"patch serviceaccount default -p '{{\"imagePullSecrets\":[{{\"name\":\"{name}\"}}]}}'");

    /// <summary>The names in an <c>imagePullSecrets</c> list.</summary>
    public static IReadOnlyList<string> Names(JsonNode? imagePullSecrets) =>
        (imagePullSecrets?.AsArray() ?? []).Select(r => r?["name"]?.GetValue<string>()).OfType<string>().ToList();

    private static IEnumerable<string> Hosts(JsonNode secret)
    {
        try
        {
            var data = secret["data"]?[".dockerconfigjson"]?.GetValue<string>();
            var config = data is null ? null : JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(data)));
            return (config?["auths"] as JsonObject)?.Select(a => a.Key).ToList() ?? [];
        }
        catch (Exception exception) when (exception is FormatException or JsonException)
        {
            return [];
        }
    }
}
