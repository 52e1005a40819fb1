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
    public static JsonNode? KubectlGetJson(this ICakeContext context, KubectlSettings settings, string resource, string? name = null, string? selector = null)
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

        arguments.Add("--output=json");
        var result = new KubectlRunner(context).Run(settings, arguments, new ToolRun { AllowFailure = true });
        if (!result.Succeeded)
        {
            return KubectlErrors.IsNotFound(result) && name is not null ? null : throw new ToolFailedException(result, 4);
        }

        return JsonNode.Parse(result.OutputText);
    }

    /// <summary><c>kubectl get --raw PATH</c> (a path of the API server, e.g. a node's proxied stats summary) as JSON.</summary>
    public static JsonNode? KubectlGetRaw(this ICakeContext context, KubectlSettings settings, string path) =>
        JsonNode.Parse(new KubectlRunner(context).Run(settings, ["get", "--raw", path]).OutputText);

    /// <summary>Every deployment of the namespace, by name (one <c>kubectl get deployments</c>).</summary>
    public static IReadOnlyDictionary<string, DeploymentInfo> KubectlGetDeployments(this ICakeContext context, KubectlSettings settings) =>
        (context.KubectlGetJson(settings, "deployments")?["items"]?.AsArray() ?? [])
            .OfType<JsonNode>()
            .Select(DeploymentInfo.Parse)
            .ToDictionary(d => d.Name, StringComparer.Ordinal);

    /// <summary><c>kubectl set image RESOURCE CONTAINER=IMAGE...</c> (containers and init containers alike, by name).</summary>
    public static void KubectlSetImage(this ICakeContext context, KubectlSettings settings, string resource, IEnumerable<string> containers, string image) =>
        new KubectlRunner(context).Run(settings, ["set", "image", resource, .. containers.Select(container => $"{container}={image}")]);

    public static void KubectlRolloutRestart(this ICakeContext context, KubectlSettings settings, string resource) =>
        new KubectlRunner(context).Run(settings, ["rollout", "restart", resource]);

    public static void KubectlRolloutUndo(this ICakeContext context, KubectlSettings settings, string resource) =>
        new KubectlRunner(context).Run(settings, ["rollout", "undo", resource]);

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

    /// <summary>A write with a stale <c>resourceVersion</c>: another client changed the object first.</summary>
    public static bool IsConflict(ToolResult result) => result.ErrorText.Contains("(Conflict)", StringComparison.Ordinal);

    public static bool IsAlreadyExists(ToolResult result) => result.ErrorText.Contains("(AlreadyExists)", StringComparison.Ordinal);

    /// <summary>kubectl's "error: context "NAME" does not exist" (the kubeconfig has no such context).</summary>
    public static bool IsUnknownContext(ToolResult result) =>
        result.ErrorText.Contains("context \"", StringComparison.Ordinal) && result.ErrorText.Contains("does not exist", StringComparison.Ordinal);

    public static bool IsUnreachable(ToolResult result) =>
        result.ErrorText.Contains("connection to the server", StringComparison.OrdinalIgnoreCase) ||
        result.ErrorText.Contains("Unable to connect to the server", StringComparison.Ordinal) ||
        result.ErrorText.Contains("context deadline exceeded", StringComparison.Ordinal) ||
        result.ErrorText.Contains("Client.Timeout exceeded", StringComparison.Ordinal);
}
