using System.Text.Json.Nodes;

namespace Build.Kubernetes;

public sealed record ContainerSpec(string Name, string Image, string? ImagePullPolicy)
{
    /// <summary>The policy the kubelet uses: the given one, else Always for :latest or no tag, else IfNotPresent.</summary>
    public string EffectivePullPolicy => ImagePullPolicy ?? (UsesLatestTag(Image) ? "Always" : "IfNotPresent");

    private static bool UsesLatestTag(string image)
    {
        if (image.Contains('@'))
        {
            return false;
        }

        var colon = image.LastIndexOf(':');
        return colon <= image.LastIndexOf('/') || image[(colon + 1)..] == "latest";
    }
}

/// <summary>The parts of a Deployment object the redeploy needs.</summary>
public sealed record DeploymentInfo(
    string Name,
    IReadOnlyDictionary<string, string> Selector,
    IReadOnlyList<ContainerSpec> Containers)
{
    /// <summary>The pod template's init containers.</summary>
    public IReadOnlyList<ContainerSpec> InitContainers { get; init; } = [];

    /// <summary>Where its rollout stood when it was read, as <c>kubectl rollout status</c> judges it.</summary>
    public RolloutState Rollout { get; init; } = new(RolloutPhase.Complete, "");

    /// <summary><c>spec.paused</c>: the deployment controller starts no rollout until it is resumed.</summary>
    public bool Paused { get; init; }

    /// <summary>How many pods it wants (<c>spec.replicas</c>, 1 when unset).</summary>
    public int Replicas { get; init; } = 1;

    /// <summary>The label selector in kubectl's <c>--selector</c> syntax.</summary>
    public string SelectorText => string.Join(",", Selector.Select(label => $"{label.Key}={label.Value}"));

    public ContainerSpec? Container(string name) => Containers.FirstOrDefault(c => c.Name == name);

    public static DeploymentInfo Parse(JsonNode deployment)
    {
        var selector = deployment["spec"]?["selector"]?["matchLabels"]?.AsObject()
            .ToDictionary(label => label.Key, label => label.Value?.GetValue<string>() ?? "") ?? [];
        List<ContainerSpec> Read(string field) => deployment["spec"]?["template"]?["spec"]?[field]?.AsArray()
            .Select(c => new ContainerSpec(
                c?["name"]?.GetValue<string>() ?? "",
                c?["image"]?.GetValue<string>() ?? "",
                c?["imagePullPolicy"]?.GetValue<string>()))
            .ToList() ?? [];
        return new DeploymentInfo(deployment["metadata"]?["name"]?.GetValue<string>() ?? "", selector, Read("containers"))
        {
            InitContainers = Read("initContainers"),
            Rollout = RolloutState.Of(deployment),
            Replicas = (int?)deployment["spec"]?["replicas"]?.GetValue<long>() ?? 1,
            Paused = deployment["spec"]?["paused"]?.GetValue<bool>() ?? false,
        };
    }
}
