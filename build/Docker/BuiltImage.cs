using Build.Configuration;

namespace Build.Docker;

/// <summary>An image DockerBuild made (or found unchanged) for a service.</summary>
public sealed record BuiltImage(ServiceConfig Service, ImageId Id, TimeSpan Duration)
{
    /// <summary>True when the inputs had not changed since the build that made this image, so it was not rebuilt.</summary>
    public bool Reused { get; init; }

    /// <summary>Where deployments take the image from: the service's image, or its repository in the registry it is pushed to.</summary>
    public string Repository { get; init; } = Service.Image;

    /// <summary>For registry delivery: the manifest digest the registry has under <see cref="Reference"/> (<c>sha256:...</c>).</summary>
    public string? PushedDigest { get; init; }

    /// <summary>What the build did for it, for the report.</summary>
    public Outcome<BuildState> Outcome => Reused ? new(BuildState.Reused) : new(BuildState.Built, Took: Duration);

    /// <summary>The reference deployments get: <c>&lt;repository&gt;:id-&lt;16 hex digits of the ID&gt;</c>.</summary>
    public string Reference => $"{Repository}:{Id.Tag}";

    public string LatestReference => $"{Service.Image}:latest";

    /// <summary>
    /// True when a pod's <c>imageID</c> is this image: the pushed manifest digest for registry delivery
    /// (<c>docker-pullable://REPO@sha256:...</c>), else the image ID (<c>docker://sha256:...</c>).
    /// </summary>
    public bool RunsIn(string podImageId) =>
        PushedDigest is { } digest
            ? podImageId.EndsWith("@" + digest, StringComparison.Ordinal)
            : ImageId.TryParse(podImageId, out var id) && id == Id;
}

/// <summary>What DockerBuild did for one service.</summary>
public abstract record BuildOutcome(ServiceConfig Service)
{
    public sealed record Built(BuiltImage Image) : BuildOutcome(Image.Service);

    /// <summary>The build failed; <see cref="Message"/> says how, with docker's last lines.</summary>
    /// <param name="Message">What to quote after "failed": docker's last lines.</param>
    /// <param name="Cause">The line that says why (docker's last): the same cause for several services is said once.</param>
    public sealed record Failed(ServiceConfig Failing, string Message, string Cause) : BuildOutcome(Failing);
}
