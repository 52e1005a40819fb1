using System.Text.Json;

namespace Build.Docker;

/// <summary>
/// Which image each build-input digest produced in which Docker daemon, kept between runs in the user's local
/// application data (<c>coinpilot-redeploy/build-inputs.json</c>). Only a cache: a missing or unreadable file means
/// builds run. The daemon is part of the key: an image built in minikube's daemon (docker-env) is not in the local
/// one, and the same inputs can give another ID there.
/// </summary>
public sealed class BuildInputCache(string path, string daemon)
{
    private const int EntriesPerImage = 20;

    private readonly Lock _lock = new();
    private Dictionary<string, List<Entry>>? _entries;

    /// <summary>The cache file: <c>coinpilot-redeploy/build-inputs.json</c> in the user's local data directory.</summary>
    public static string PathIn(Infrastructure.HostEnvironment host) => System.IO.Path.Combine(host.BuildDataDirectory, "build-inputs.json");

    public string Path { get; } = path;

    /// <summary>The image ID built last time from <paramref name="digest"/>, if any.</summary>
    public ImageId? ImageFor(string image, string digest)
    {
        lock (_lock)
        {
            return ImageId.TryParse(Entries().GetValueOrDefault(Key(image))?.LastOrDefault(e => e.Digest == digest)?.ImageId, out var id) ? id : null;
        }
    }

    /// <summary>Which daemon a docker environment builds with, for the cache key: the DOCKER_HOST it sets, else the inherited one, else the default.</summary>
    public static string DaemonOf(IReadOnlyDictionary<string, string> environment, string? inheritedDockerHost) =>
        environment.GetValueOrDefault(Infrastructure.EnvironmentVariableNames.DockerHost) ?? inheritedDockerHost ?? "default";

    private string Key(string image) => daemon == "default" ? image : $"{daemon}|{image}";

    public void Remember(string image, string digest, ImageId imageId)
    {
        lock (_lock)
        {
            var entries = Entries();
            var list = entries.TryGetValue(Key(image), out var existing) ? existing : entries[Key(image)] = [];
            list.RemoveAll(e => e.Digest == digest);
            list.Add(new Entry(digest, imageId.ToString()));
            if (list.Count > EntriesPerImage)
            {
                list.RemoveRange(0, list.Count - EntriesPerImage);
            }
        }
    }

    /// <summary>Writes the cache (atomically); returns the problem when it cannot.</summary>
    public string? Save()
    {
        lock (_lock)
        {
            if (_entries is null)
            {
                return null;
            }

            var temporary = Path + "." + Environment.ProcessId + ".tmp";
            try
            {
                if (Directory.Exists(Path))
                {
                    return "it is a directory"; // File.Move would fail after the temporary file was written
                }

                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
                File.WriteAllText(temporary, JsonSerializer.Serialize(_entries));
                File.Move(temporary, Path, overwrite: true);
                return null;
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                try
                {
                    File.Delete(temporary); // nothing is left behind
                }
                catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
                {
                }

                return exception.Message;
            }
        }
    }

    private Dictionary<string, List<Entry>> Entries()
    {
        if (_entries is null)
        {
            try
            {
                _entries = JsonSerializer.Deserialize<Dictionary<string, List<Entry>>>(File.ReadAllText(Path));
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or JsonException)
            {
            }

            _entries ??= [];
        }

        return _entries;
    }

    private sealed record Entry(string Digest, string ImageId);
}
