using System.Text.Json;
using Build.Tools;

namespace Build.Minikube;

public enum ProfileState
{
    Running,
    Stopped,
    Missing,
    Unknown,
}

/// <summary>What <c>minikube status -o json</c> says about a profile.</summary>
public sealed record MinikubeStatus(ProfileState State, string Detail)
{
    /// <summary>
    /// minikube exits 0 only when the host, kubelet and API server all run; otherwise its exit code has a bit per
    /// stopped part (7 = all stopped) and it still prints the JSON, or (profile not found) only a message. The bit 4
    /// alone is the kubeconfig ("Misconfigured"): the profile runs, and kubectl says what is wrong with its config.
    /// </summary>
    public static MinikubeStatus From(ToolResult result)
    {
        var fields = TryParse(result.OutputText);
        var parts = new[] { "Host", "Kubelet", "APIServer" };
        if (fields is not null && (result.Succeeded || parts.All(p => fields.GetValueOrDefault(p) == "Running")))
        {
            return new MinikubeStatus(ProfileState.Running, Describe(fields));
        }

        if (fields is not null)
        {
            return new MinikubeStatus(ProfileState.Stopped, Describe(fields));
        }

        var message = string.Join(" ", result.LastLines(2)).Trim();
        return message.Contains("not found", StringComparison.OrdinalIgnoreCase)
            ? new MinikubeStatus(ProfileState.Missing, message)
            : new MinikubeStatus(ProfileState.Unknown, $"exit code {result.ExitCode}: {message}");
    }

    private static Dictionary<string, string>? TryParse(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement.ValueKind == JsonValueKind.Array ? document.RootElement.EnumerateArray().FirstOrDefault() : document.RootElement;
            return root.ValueKind == JsonValueKind.Object
                ? root.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String).ToDictionary(p => p.Name, p => p.Value.GetString()!)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Describe(Dictionary<string, string> fields) =>
        string.Join(", ", new[] { "Host", "Kubelet", "APIServer" }.Where(fields.ContainsKey).Select(k => $"{k} {fields[k]}"));
}
