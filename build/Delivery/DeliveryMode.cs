using Build.Infrastructure;
using Build.Registry;

namespace Build.Delivery;

/// <summary>How built images reach the cluster.</summary>
public enum DeliveryMode
{
    /// <summary>Pick one: registry when one is configured, else docker-env when the profile allows it, else load.</summary>
    Auto,

    /// <summary><c>minikube image load --daemon</c>: save from the local daemon, copy into the node, load there.</summary>
    Load,

    /// <summary>Build with the node's own Docker daemon (<c>minikube docker-env</c>): nothing to transfer.</summary>
    DockerEnv,

    /// <summary>Push to a registry the cluster pulls from: the only way to feed a cluster that is not on this machine.</summary>
    Registry,
}

/// <summary>The delivery a run uses and why (one log line, and part of the dry-run plan).</summary>
public sealed record DeliveryChoice(DeliveryMode Mode, string Reason, RegistryAddress? Registry)
{
    /// <summary>What the mode is called on the command line and in the services file.</summary>
    public static string Name(DeliveryMode mode) => mode switch
    {
        DeliveryMode.DockerEnv => "docker-env",
        _ => mode.ToString().ToLowerInvariant(),
    };

    public static DeliveryMode Parse(string text, string source) => text.Trim().ToLowerInvariant() switch
    {
        "auto" => DeliveryMode.Auto,
        "load" => DeliveryMode.Load,
        "docker-env" => DeliveryMode.DockerEnv,
        "registry" => DeliveryMode.Registry,
        _ => throw new BuildInputException($"{source}={text} is not an image delivery: use auto, load, docker-env or registry."),
    };

    /// <summary>True when choosing the delivery needs <c>minikube profile list</c> (auto without a registry, or docker-env).</summary>
    public static bool NeedsProfile(DeliveryMode requested, RegistryAddress? registry) =>
        requested == DeliveryMode.DockerEnv || (requested == DeliveryMode.Auto && registry is null);

    /// <summary>True when the delivery needs nothing of minikube (it may involve a cluster that is not a minikube profile).</summary>
    public static bool AvoidsMinikube(DeliveryMode requested, RegistryAddress? registry) =>
        requested == DeliveryMode.Registry || (requested == DeliveryMode.Auto && registry is not null);

    /// <summary>
    /// Chooses the delivery (as Skaffold and Tilt do for a local cluster): the requested one; for auto, the registry when
    /// one is configured, else docker-env when the profile is a single-node docker-runtime profile on a driver with its
    /// own daemon, else load. <paramref name="profile"/> is needed only for auto without a registry.
    /// </summary>
    public static DeliveryChoice Decide(DeliveryMode requested, RegistryAddress? registry, Minikube.ProfileInfo? profile)
    {
        switch (requested)
        {
            case DeliveryMode.Registry when registry is null:
                throw new BuildInputException($"--{ArgumentNames.ImageDelivery.Name}=registry needs a registry: pass --{ArgumentNames.Registry.Name}=HOST[:PORT][/PREFIX] or set \"registry\" in the services file.");
            case DeliveryMode.Registry:
                return new(DeliveryMode.Registry, $"--{ArgumentNames.ImageDelivery.Name}=registry: images are pushed to {registry}", registry);
            case DeliveryMode.Load:
                return new(DeliveryMode.Load, $"--{ArgumentNames.ImageDelivery.Name}=load: images are loaded with minikube image load", null);
            case DeliveryMode.DockerEnv:
                return profile?.DockerEnvProblem is { } problem
                    ? throw new BuildInputException($"--{ArgumentNames.ImageDelivery.Name}=docker-env cannot work: {problem}. Use --{ArgumentNames.ImageDelivery.Name}=load.")
                    : new(DeliveryMode.DockerEnv, $"--{ArgumentNames.ImageDelivery.Name}=docker-env: images are built in minikube's Docker daemon", null);
        }

        if (registry is not null)
        {
            return new(DeliveryMode.Registry, $"a registry is configured, so images are pushed to {registry}", registry);
        }

        return profile?.DockerEnvProblem is { } reason
            ? new(DeliveryMode.Load, $"{reason}, so images are loaded with minikube image load", null)
            : new(DeliveryMode.DockerEnv, $"minikube profile {profile?.Name} runs the docker runtime on one node, so images are built in its Docker daemon (nothing to load)", null);
    }
}
