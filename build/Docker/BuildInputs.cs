using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Build.Configuration;

namespace Build.Docker;

/// <summary>
/// A digest of everything a <c>docker build</c> of a service reads: the Dockerfile, the build context as docker
/// sends it (every entry not left out by <c>.dockerignore</c>, with its path, type and mode; the bytes of regular
/// files; the target of links; the type and name only of named pipes, sockets and devices, which are never
/// opened), the service's build options, and the local IDs of the images it builds from. Equal digests mean
/// docker's own cache would give the same image, so the build can be skipped (as Skaffold's inputDigest does).
/// When that cannot be known — a base image that is not local, a variable in FROM, a remote ADD, an entry that
/// cannot be read — there is no digest and the service is always built (docker then says what is wrong).
/// </summary>
public static partial class BuildInputs
{
    /// <summary>Changes when what the digest covers changes.</summary>
    private const string Version = "coinpilot-build-inputs-3";

    /// <summary>The Dockerfile's text, or null when it cannot be read.</summary>
    public static string? ReadDockerfile(ServiceConfig service)
    {
        try
        {
            return File.ReadAllText(service.Dockerfile);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <param name="baseImageIds">The local IDs of (at least) the images the Dockerfile builds from; a missing one means no digest.</param>
    public static string? Digest(ServiceConfig service, string dockerfile, IReadOnlyDictionary<string, ImageId> baseImageIds) =>
        Content(service, dockerfile) is { } content ? WithBaseImages(content, baseImageIds) : null;

    /// <summary>
    /// What the build reads of the service itself (Dockerfile, options, context), read now; null when it cannot be known
    /// without building. <see cref="WithBaseImages"/> completes it, also later: after a build that pulled a base image,
    /// the digest of what was built is this content with the base image it pulled.
    /// </summary>
    public static BuildContent? Content(ServiceConfig service, string dockerfile)
    {
        if (BaseImages(dockerfile) is not { } baseImages)
        {
            return null;
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Add(hash, Version, "dockerfile", dockerfile);
        foreach (var option in service.BuildOptions())
        {
            Add(hash, "option", option);
        }

        try
        {
            var ignore = DockerIgnore.ForContext(service.Context);
            AddDirectory(hash, new DirectoryInfo(service.Context), service.Context, ignore);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        return new BuildContent(Convert.ToHexStringLower(hash.GetHashAndReset()), baseImages);
    }

    /// <summary>The digest of the content with the local IDs of its base images; null when one of them is not local.</summary>
    public static string? WithBaseImages(BuildContent content, IReadOnlyDictionary<string, ImageId> baseImageIds)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Add(hash, Version, "content", content.Hash);
        foreach (var image in content.BaseImages)
        {
            if (!baseImageIds.TryGetValue(image, out var id))
            {
                return null;
            }

            Add(hash, "base", image, id.ToString());
        }

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

    private static void AddDirectory(IncrementalHash hash, DirectoryInfo directory, string root, DockerIgnore ignore)
    {
        foreach (var entry in directory.EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            var path = Path.GetRelativePath(root, entry.FullName).Replace('\\', '/');
            var kind = FileKinds.Of(entry);
            if (ignore.Excludes(path) && path != ".dockerignore")
            {
                if (kind == FileKind.Directory && ignore.HasExclusions)
                {
                    AddDirectory(hash, (DirectoryInfo)entry, root, ignore); // a !pattern may bring back something below
                }

                continue;
            }

            var mode = OperatingSystem.IsWindows() ? "" : Convert.ToString((int)entry.UnixFileMode, 8);
            switch (kind)
            {
                case FileKind.SymbolicLink:
                    Add(hash, "link", path, entry.LinkTarget!);
                    break;
                case FileKind.Directory:
                    Add(hash, "dir", path, mode);
                    AddDirectory(hash, (DirectoryInfo)entry, root, ignore);
                    break;
                case FileKind.Regular:
                    using (var stream = new FileStream(entry.FullName, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
                    {
                        Add(hash, "file", path, mode, Convert.ToHexStringLower(SHA256.HashData(stream)));
                    }

                    break;
                default:
                    Add(hash, kind.ToString(), path, mode); // never opened: a pipe would block, a device never ends
                    break;
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

/// <summary>The hash of what a service's build reads of its own (Dockerfile, options, context), and the images it builds from.</summary>
public sealed record BuildContent(string Hash, IReadOnlyList<string> BaseImages);
