using System.Text.Json.Nodes;
using Build.Tools;
using Cake.Core;

namespace Build.Kubernetes;

/// <summary>
/// kubectl aliases, named as in Cake.Kubectl, but: the resource is a positional argument, the context and
/// namespace are always passed, a flag is passed only when it is wanted, and every call has a timeout.
/// </summary>
public static class KubectlAliases
{
    /// <summary><c>kubectl get RESOURCE [NAME] -o json</c>; null when the object does not exist.</summary>
    public static JsonNode? KubectlGetJson(this ICakeContext context, KubectlSettings settings, string resource, string? name = null, string? selector = null, string? fieldSelector = null)
    {
        List<string> arguments = ["get", resource];
        if (name is not null)
        {
            arguments.Add(name);
        }

        if (selector is not null)
        {
            arguments.Add($"--selector={selector}");
        }

        if (fieldSelector is not null)
        {
            arguments.Add($"--field-selector={fieldSelector}");
        }

        arguments.Add("--output=json");
        var result = new KubectlRunner(context).Run(settings, arguments, new ToolRun { AllowFailure = true });
        if (!result.Succeeded)
        {
            return KubectlErrors.IsNotFound(result) && name is not null ? null : throw new ToolFailedException(result, 4);
        }

        return JsonNode.Parse(result.OutputText);
    }

    public static void KubectlSetImage(this ICakeContext context, KubectlSettings settings, string resource, string container, string image) =>
        new KubectlRunner(context).Run(settings, ["set", "image", resource, $"{container}={image}"]);

    public static void KubectlRolloutRestart(this ICakeContext context, KubectlSettings settings, string resource) =>
        new KubectlRunner(context).Run(settings, ["rollout", "restart", resource]);

    public static void KubectlRolloutUndo(this ICakeContext context, KubectlSettings settings, string resource) =>
        new KubectlRunner(context).Run(settings, ["rollout", "undo", resource]);

    /// <summary><c>kubectl rollout status RESOURCE --watch --timeout=T</c>; returns the result, failed or not.</summary>
    public static ToolResult KubectlRolloutStatus(this ICakeContext context, KubectlSettings settings, string resource, TimeSpan timeout) =>
        new KubectlRunner(context).Run(
            settings,
            ["rollout", "status", resource, "--watch=true", $"--timeout={KubectlRunner.Seconds(timeout)}"],
            new ToolRun { AllowFailure = true });

    /// <summary>The last lines of a container's log (of its previous run when <paramref name="previous"/>); null when there is none.</summary>
    public static IReadOnlyList<string>? KubectlLogs(this ICakeContext context, KubectlSettings settings, string pod, string container, int tail, bool previous)
    {
        List<string> arguments = ["logs", pod, $"--container={container}", $"--tail={tail}"];
        if (previous)
        {
            arguments.Add("--previous");
        }

        var result = new KubectlRunner(context).Run(settings, arguments, new ToolRun { AllowFailure = true });
        return result.Succeeded ? result.Output : null;
    }

    /// <summary><c>kubectl apply -f -</c> with the given manifest text (JSON or YAML); returns kubectl's lines.</summary>
    public static IReadOnlyList<string> KubectlApply(this ICakeContext context, KubectlSettings settings, string manifest) =>
        new KubectlRunner(context).Run(settings, ["apply", "--filename=-"], new ToolRun { StandardInput = manifest }).Output;

    /// <summary>The context names in the kubeconfig (no server is contacted).</summary>
    public static IReadOnlyList<string> KubectlContexts(this ICakeContext context, KubectlSettings settings) =>
        new KubectlRunner(context).Run(settings, ["config", "get-contexts", "--output=name"]).Output.Where(l => l.Length > 0).ToList();

    public static string KubectlClientVersion(this ICakeContext context, KubectlSettings settings)
    {
        var json = new KubectlRunner(context).Run(settings, ["version", "--client", "--output=json"]).OutputText;
        return JsonNode.Parse(json)?["clientVersion"]?["gitVersion"]?.GetValue<string>() ?? "unknown";
    }
}

/// <summary>Tells kubectl's failures apart by what it printed (it exits 1 for all of them).</summary>
public static class KubectlErrors
{
    public static bool IsNotFound(ToolResult result) => result.ErrorText.Contains("(NotFound)", StringComparison.Ordinal);

    public static bool IsTimeout(ToolResult result) => result.ErrorText.Contains("timed out waiting for the condition", StringComparison.Ordinal);

    public static bool IsProgressDeadline(ToolResult result) => result.ErrorText.Contains("exceeded its progress deadline", StringComparison.Ordinal);

    public static bool IsUnreachable(ToolResult result) =>
        result.ErrorText.Contains("connection to the server", StringComparison.OrdinalIgnoreCase) ||
        result.ErrorText.Contains("Unable to connect to the server", StringComparison.Ordinal) ||
        result.ErrorText.Contains("context deadline exceeded", StringComparison.Ordinal) ||
        result.ErrorText.Contains("Client.Timeout exceeded", StringComparison.Ordinal);
}
