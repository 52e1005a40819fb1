using Build.Configuration;

namespace Build.Docker;

/// <summary>An image DockerBuild made (or found unchanged) for a service.</summary>
public sealed record BuiltImage(ServiceConfig Service, ImageId Id, TimeSpan Duration)
{
    /// <summary>True when the inputs had not changed since the build that made this image, so it was not rebuilt.</summary>
    public bool Reused { get; init; }

    public string BuildTime => Reused ? "reused" : $"{Duration.TotalSeconds:0.0}s";

    /// <summary>The reference deployments get: <c>&lt;image&gt;:id-&lt;16 hex digits of the ID&gt;</c>.</summary>
    public string Reference => $"{Service.Image}:{Id.Tag}";

    public string LatestReference => $"{Service.Image}:latest";
}

/// <summary>What DockerBuild did for one service.</summary>
public abstract record BuildOutcome(ServiceConfig Service)
{
    public sealed record Built(BuiltImage Image) : BuildOutcome(Image.Service);

    /// <summary>The build failed; <see cref="Message"/> says how, with docker's last lines.</summary>
    public sealed record Failed(ServiceConfig Failing, string Message) : BuildOutcome(Failing);
}
