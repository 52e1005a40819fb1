using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace ClusterSim.Node;

/// <summary>An image read from a `docker save` archive: its ID is the sha256 of its config blob.</summary>
internal sealed record ArchivedImage(string Id, IReadOnlyList<string> RepoTags, IReadOnlyDictionary<string, string> Labels, DateTimeOffset Created, long LayerBytes);

/// <summary>
/// Reads `docker save` archives (the legacy layout with manifest.json, and the OCI layout newer daemons write).
/// Every byte of the stream is read: the layers are not kept, but loading costs what the real transfer would.
/// </summary>
internal static class ImageArchive
{
    private const int SmallFileLimit = 4 << 20;

    public static async Task<(IReadOnlyList<ArchivedImage> Images, long Bytes)> ReadAsync(Stream stream, CancellationToken cancel)
    {
        var counting = new CountingStream(stream);
        var small = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var reader = new TarReader(counting, leaveOpen: true))
        {
            while (await reader.GetNextEntryAsync(copyData: false, cancel) is { } entry)
            {
                if (entry.DataStream is null)
                {
                    continue;
                }

                var name = entry.Name.TrimStart('.', '/');
                sizes[name] = entry.Length;
                if (entry.Length <= SmallFileLimit)
                {
                    using var buffer = new MemoryStream();
                    await entry.DataStream.CopyToAsync(buffer, cancel);
                    small[name] = buffer.ToArray();
                }
                else
                {
                    await entry.DataStream.CopyToAsync(Stream.Null, cancel);
                }
            }
        }

        await counting.CopyToAsync(Stream.Null, cancel);
        if (!small.TryGetValue("manifest.json", out var manifestBytes) || JsonNode.Parse(manifestBytes) is not JsonArray manifest)
        {
            throw new InvalidDataException("the archive has no manifest.json: is it a `docker save` archive?");
        }

        var images = new List<ArchivedImage>();
        foreach (var entry in manifest.Objects())
        {
            var configPath = entry.Str("Config") ?? throw new InvalidDataException("manifest.json entry without Config");
            if (!small.TryGetValue(configPath, out var configBytes))
            {
                throw new InvalidDataException($"the archive lacks the image config {configPath}");
            }

            var id = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(configBytes));
            var config = JsonNode.Parse(configBytes) as JsonObject ?? new JsonObject();
            var tags = entry.Arr("RepoTags")?.Select(t => t?.GetValue<string>() ?? "").Where(t => t.Length > 0).ToList() ?? [];
            var layerBytes = entry.Arr("Layers")?.Sum(l => sizes.GetValueOrDefault(l?.GetValue<string>() ?? "")) ?? 0;
            images.Add(new ArchivedImage(
                id,
                tags,
                config.StringMap("config", "Labels"),
                Json.ParseTime(config.Str("created")) ?? DateTimeOffset.UnixEpoch,
                layerBytes));
        }

        return (images, counting.BytesRead);
    }
}
