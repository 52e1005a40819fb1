using Cake.Core.Tooling;

namespace Build.Kubernetes;

/// <summary>
/// Settings every kubectl command takes. The context and namespace are always passed explicitly, so a
/// command can never land in whatever context the user's kubeconfig happens to point at.
/// </summary>
public sealed class KubectlSettings : ToolSettings
{
    public required string Context { get; init; }

    public required string Namespace { get; init; }

    /// <summary>
    /// kubectl's per-request timeout. Without it a server that accepts the connection but never answers
    /// stalls kubectl for minutes, whatever <c>--timeout</c> says. Zero means none (for a watch the build
    /// stops itself).
    /// </summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public string? Kubeconfig { get; init; }

    /// <summary>A copy with another deadline (the environment and everything else stay).</summary>
    public KubectlSettings WithDeadline(TimeSpan toolTimeout, TimeSpan? requestTimeout = null) => new()
    {
        Context = Context,
        Namespace = Namespace,
        Kubeconfig = Kubeconfig,
        RequestTimeout = requestTimeout ?? (RequestTimeout == TimeSpan.Zero ? RequestTimeout : Min(RequestTimeout, toolTimeout)),
        ToolTimeout = toolTimeout,
        EnvironmentVariables = new Dictionary<string, string>(EnvironmentVariables, StringComparer.Ordinal),
        ToolPath = ToolPath,
    };

    /// <summary>The undo command a user can run for a deployment this run changed.</summary>
    public string UndoCommand(string deployment) =>
        $"kubectl --context={Context} --namespace={Namespace} rollout undo deployment/{deployment}";

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
