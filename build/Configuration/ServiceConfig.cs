namespace Build.Configuration;

/// <summary>One service: how to build its image and which deployment container runs it. Paths are absolute.</summary>
public sealed record ServiceConfig(
    string Name,
    string Image,
    string Dockerfile,
    string Context,
    string Deployment,
    string Container)
{
    /// <summary>The Dockerfile stage to build (<c>docker build --target</c>), or null for the last one.</summary>
    public string? Target { get; init; }

    /// <summary><c>docker build --build-arg</c> values, by name.</summary>
    public IReadOnlyDictionary<string, string> BuildArgs { get; init; } = new Dictionary<string, string>();

    /// <summary>The platform to build for (<c>docker build --platform</c>), or null for the daemon's own.</summary>
    public string? Platform { get; init; }

    /// <summary>The build options as <c>name=value</c> texts in a stable order (for the build-input digest).</summary>
    public IEnumerable<string> BuildOptions() =>
        new[] { Target is null ? null : $"target={Target}", Platform is null ? null : $"platform={Platform}" }
            .Concat(BuildArgs.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"build-arg={a.Key}={a.Value}"))
            .OfType<string>();
}
