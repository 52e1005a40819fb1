using System.Text.Json;
using System.Text.Json.Serialization;
using Build.Docker;

namespace Build.Minikube;

/// <summary>One image in the minikube node, as <c>minikube image ls --format json</c> lists it.</summary>
public sealed record NodeImage(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("repoTags")] IReadOnlyList<string>? RepoTags,
    [property: JsonPropertyName("repoDigests")] IReadOnlyList<string>? RepoDigests,
    [property: JsonPropertyName("size")] string? Size)
{
    public static IReadOnlyList<NodeImage> ParseList(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<List<NodeImage>>(json) ?? [];
        }
        catch (JsonException exception)
        {
            throw new FormatException($"minikube image ls printed something that is not its JSON list ({exception.Message}).", exception);
        }
    }
}

/// <summary>The node's images by tag, comparing references the way docker normalises them.</summary>
public sealed class NodeImages(IReadOnlyList<NodeImage> images)
{
    /// <summary>The listing, as minikube printed it.</summary>
    public IReadOnlyList<NodeImage> All => images;

    private readonly Dictionary<string, ImageId> _idByTag = images
        .Where(image => ImageId.TryParse(image.Id, out _))
        .SelectMany(image => (image.RepoTags ?? []).Select(tag => (Tag: ImageReference.Normalize(tag), Id: ImageId.Parse(image.Id))))
        .GroupBy(entry => entry.Tag)
        .ToDictionary(group => group.Key, group => group.Last().Id);

    /// <summary>The image ID the node has under <paramref name="reference"/>, or null.</summary>
    public ImageId? IdOf(string reference) => _idByTag.TryGetValue(ImageReference.Normalize(reference), out var id) ? id : null;

    /// <summary>True when the node has <paramref name="reference"/> pointing at exactly <paramref name="imageId"/>.</summary>
    public bool Has(string reference, ImageId imageId) => IdOf(reference) == imageId;
}
