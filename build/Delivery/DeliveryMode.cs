using Build.Infrastructure;
using Build.Registry;

namespace Build.Delivery;

/// <summary>How built images reach the cluster: what a user asks for (auto, load, docker-env, registry), and what a run does.</summary>
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

    /// <summary>Never asked for: auto in a run that delivers no image (<c>--target=DockerBuild</c>) builds with the local daemon.</summary>
    Local,
}

/// <summary>The delivery a run uses and why (one log line, and part of the dry-run plan and Doctor's table).</summary>
public sealed record DeliveryChoice(DeliveryMode Mode, string Reason, RegistryAddress? Registry)
{
    /// <summary>When auto meant docker-env but <c>minikube docker-env</c> failed: minikube's words (the run loads instead).</summary>
    public string? DockerEnvFailure { get; init; }

    /// <summary>What the mode is called on the command line and in the services file.</summary>
    public static string Name(DeliveryMode mode) => mode switch
    {
        DeliveryMode.DockerEnv => "docker-env",
        DeliveryMode.Local => "local daemon",
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

    /// <summary>
    /// The one decision (as Skaffold and Tilt make it for a local cluster): the requested mode; for auto, the registry
    /// when one is configured, else the local daemon when the run delivers nothing, else docker-env when the profile is
    /// a single-node docker-runtime profile on a driver with its own daemon and <c>minikube docker-env</c> answered,
    /// else load. <paramref name="profile"/> matters only when <see cref="DeliveryRequest.NeedsProfile"/>;
    /// <paramref name="dockerEnvFailure"/> is what <c>minikube docker-env</c> said when it failed (null before it was asked).
    /// </summary>
    public static DeliveryChoice Decide(DeliveryRequest request, Minikube.ProfileInfo? profile, string? dockerEnvFailure = null)
    {
        var option = $"--{ArgumentNames.ImageDelivery}";
        if (request.Problem is { } problem)
        {
            throw new BuildInputException(problem);
        }

        switch (request.Mode)
        {
            case DeliveryMode.Registry:
                return new(DeliveryMode.Registry, $"{option}=registry: images are pushed to {request.Registry}", request.Registry);
            case DeliveryMode.Load:
                return new(DeliveryMode.Load, $"{option}=load: images are loaded with minikube image load", null);
            case DeliveryMode.DockerEnv when profile?.DockerEnvProblem is { } cannot:
                throw new BuildInputException($"{option}=docker-env cannot work: {cannot}. Use {option}=load.");
            case DeliveryMode.DockerEnv when dockerEnvFailure is not null:
                throw new BuildInputException($"minikube docker-env failed: {dockerEnvFailure} Use {option}=load.");
            case DeliveryMode.DockerEnv:
                return new(DeliveryMode.DockerEnv, $"{option}=docker-env: images are built in minikube's Docker daemon", null);
        }

        if (request.Registry is not null)
        {
            return new(DeliveryMode.Registry, $"a registry is configured, so images are pushed to {request.Registry}", request.Registry);
        }

        if (!request.DeliversImages)
        {
            return new(DeliveryMode.Local, "this run delivers no image (no MinikubeImageLoad), so it builds with the local Docker daemon", null);
        }

        if (profile?.DockerEnvProblem is { } reason)
        {
            return new(DeliveryMode.Load, $"{reason}, so images are loaded with minikube image load", null);
        }

        return dockerEnvFailure is not null
            ? new(DeliveryMode.Load, $"minikube docker-env failed ({dockerEnvFailure}), so images are loaded with minikube image load", null) { DockerEnvFailure = dockerEnvFailure }
            : new(DeliveryMode.DockerEnv, $"minikube profile {request.Profile} runs the docker runtime on one node, so images are built in its Docker daemon (nothing to load)", null);
    }
}
