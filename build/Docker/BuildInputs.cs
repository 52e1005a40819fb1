using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Build.Configuration;

namespace Build.Docker;

/// <summary>
/// A digest of everything a <c>docker build</c> of a service reads: the Dockerfile, every file of the build
/// context (path, mode and bytes; .dockerignore'd files too, which can only make it change more often), and the
/// local IDs of the images it builds from. Equal digests mean docker's own cache would give the same image, so
/// the build can be skipped (as Skaffold's inputDigest does). When that cannot be known — a base image that is
/// not local, a variable in FROM, a remote ADD — there is no digest and the service is always built.
/// </summary>
public static partial class BuildInputs
{
    /// <summary>Changes when what the digest covers changes.</summary>
    private const string Version = "coinpilot-build-inputs-1";

    public static string? Digest(ServiceConfig service, Func<string, string?> localImageId)
    {
        var dockerfile = File.ReadAllText(service.Dockerfile);
        var baseImages = BaseImages(dockerfile);
        if (baseImages is null)
        {
            return null;
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Add(hash, Version, "dockerfile", dockerfile);
        foreach (var image in baseImages)
        {
            if (localImageId(image) is not { } id)
            {
                return null;
            }

            Add(hash, "base", image, id);
        }

        AddDirectory(hash, new DirectoryInfo(service.Context), service.Context);
        return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The external images a Dockerfile builds from (FROM and COPY --from), or null when they cannot be told without building.</summary>
    public static IReadOnlyList<string>? BaseImages(string dockerfile)
    {
        if (RemoteAdd().IsMatch(dockerfile))
        {
            return null;
        }

        var stages = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var images = new List<string>();
        foreach (Match from in FromLine().Matches(dockerfile))
        {
            var image = from.Groups["image"].Value;
            if (image.Contains('$'))
            {
                return null;
            }

            if (!image.Equals("scratch", StringComparison.OrdinalIgnoreCase) && !stages.Contains(image))
            {
                images.Add(image);
            }

            if (from.Groups["alias"].Success)
            {
                stages.Add(from.Groups["alias"].Value);
            }
        }

        foreach (Match copy in CopyFrom().Matches(dockerfile))
        {
            var source = copy.Groups["source"].Value;
            if (source.Contains('$'))
            {
                return null;
            }

            if (!stages.Contains(source) && !source.All(char.IsDigit))
            {
                images.Add(source);
            }
        }

        return images.Distinct().ToList();
    }

    private static void AddDirectory(IncrementalHash hash, DirectoryInfo directory, string root)
    {
        foreach (var entry in directory.EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            var path = Path.GetRelativePath(root, entry.FullName).Replace('\\', '/');
            var mode = OperatingSystem.IsWindows() ? "" : Convert.ToString((int)entry.UnixFileMode, 8);
            if (entry.LinkTarget is { } target)
            {
                Add(hash, "link", path, target);
            }
            else if (entry is DirectoryInfo subdirectory)
            {
                Add(hash, "dir", path, mode);
                AddDirectory(hash, subdirectory, root);
            }
            else
            {
                using var stream = File.OpenRead(entry.FullName);
                Add(hash, "file", path, mode, Convert.ToHexStringLower(SHA256.HashData(stream)));
            }
        }
    }

    /// <summary>Adds fields with separators, so that ("ab","c") and ("a","bc") hash differently.</summary>
    private static void Add(IncrementalHash hash, params string[] fields)
    {
        foreach (var field in fields)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(field));
            hash.AppendData([0]);
        }

        hash.AppendData([(byte)'\n']);
    }

    [GeneratedRegex(@"^\s*FROM\s+(?:--\S+\s+)*(?<image>\S+)(?:\s+AS\s+(?<alias>\S+))?\s*$", RegexOptions.IgnoreCase | RegexOptions.Multiline)]
    private static partial Regex FromLine();

    [GeneratedRegex(@"--from=(?<source>[^\s,]+)", RegexOptions.IgnoreCase)]
    private static partial Regex CopyFrom();

    [GeneratedRegex(@"^\s*ADD\s+(?:--\S+\s+)*\S*https?://", RegexOptions.IgnoreCase | RegexOptions.Multiline)]
    private static partial Regex RemoteAdd();
}
