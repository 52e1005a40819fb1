using Cake.Core.Tooling;

namespace Build.Minikube;

/// <summary>Settings every minikube command takes: the profile is always passed explicitly.</summary>
public sealed class MinikubeSettings : ToolSettings
{
    public required string Profile { get; init; }
}
