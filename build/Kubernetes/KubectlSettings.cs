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
    /// stalls kubectl for minutes, whatever <c>--timeout</c> says.
    /// </summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public string? Kubeconfig { get; init; }
}
