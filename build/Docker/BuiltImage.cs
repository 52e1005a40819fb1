using Build.Configuration;

namespace Build.Docker;

/// <summary>An image DockerBuild made for a service.</summary>
public sealed record BuiltImage(ServiceConfig Service, string ImageId, TimeSpan Duration)
{
    /// <summary>True when the inputs had not changed since the build that made this image, so it was not rebuilt.</summary>
    public bool Reused { get; init; }

    public string BuildTime => Reused ? "reused" : $"{Duration.TotalSeconds:0.0}s";

    /// <summary>
    /// The immutable tag: made from the image ID, so an unchanged image keeps its tag (nothing to load or roll)
    /// and a changed one always gets a new tag (the deployment really changes; no stale <c>:latest</c>).
    /// </summary>
    public string Tag => ContentTag(ImageId);

    public string Reference => $"{Service.Image}:{Tag}";

    public string LatestReference => $"{Service.Image}:latest";

    public static string ContentTag(string imageId) => "id-" + Hex(imageId)[..16];

    /// <summary>The hex digest of an image ID, with or without its <c>sha256:</c> prefix.</summary>
    public static string Hex(string imageId) =>
        imageId.StartsWith("sha256:", StringComparison.Ordinal) ? imageId["sha256:".Length..] : imageId;
}
