using Build.Configuration;
using Build.Infrastructure;
using Build.Registry;

namespace Build.Delivery;

/// <summary>
/// What the delivery decision starts from, known before any tool runs: the mode asked for, the registry configured,
/// whether this run delivers images at all, and the minikube profile. Preflight reads it to know whether the run
/// talks to minikube; <see cref="DeliveryChoice.Decide"/> completes it with what minikube says.
/// </summary>
public sealed record DeliveryRequest(DeliveryMode Mode, RegistryAddress? Registry, bool DeliversImages, string Profile)
{
    public static DeliveryRequest For(RedeployConfig config, RunIntent intent) =>
        new(config.ImageDelivery, config.Registry, intent.DeliversImages || intent.PrunesImages, config.MinikubeProfile);

    /// <summary>Why this request cannot work whatever the cluster says (registry delivery without a registry), or null.</summary>
    public string? Problem => Mode == DeliveryMode.Registry && Registry is null
        ? $"--{ArgumentNames.ImageDelivery}=registry needs a registry: pass --{ArgumentNames.Registry}=HOST[:PORT][/PREFIX] or set \"registry\" in the services file."
        : null;

    /// <summary>True when images go to a registry: nothing of minikube is needed (the cluster may not be a minikube profile).</summary>
    public bool PushesToRegistry => Mode == DeliveryMode.Registry || (Mode == DeliveryMode.Auto && Registry is not null);

    /// <summary>True when the decision needs the profile's driver, runtime and nodes (auto toward a minikube profile, or docker-env).</summary>
    public bool NeedsProfile => Mode == DeliveryMode.DockerEnv || (Mode == DeliveryMode.Auto && Registry is null && DeliversImages);

    /// <summary>True when the run talks to the minikube profile (to load, to check the node, or to build in its daemon).</summary>
    public bool UsesMinikube => !PushesToRegistry && (DeliversImages || Mode == DeliveryMode.DockerEnv);
}
