using System.Text.RegularExpressions;

namespace ClusterSim.Node;

/// <summary>
/// An image reference normalised the way docker's reference.ParseNormalizedNamed does:
/// "app" == "app:latest" == "docker.io/library/app:latest"; "user/app" is "docker.io/user/app";
/// a first component with a dot or a colon, or "localhost", is a registry.
/// </summary>
internal sealed partial record ImageReference(string Domain, string Path, string? Tag, string? Digest)
{
    public const string DockerHub = "docker.io";

    /// <summary>
    /// Why github.com/distribution/reference's ParseNormalizedNamed refuses a reference (what the kubelet's
    /// parseImageName uses), worded as it words it; null when the reference is valid. The grammar is reference's
    /// regexp.go: lowercase path components joined by ".", "_", "__" or dashes, an optional domain[:port]/ in front,
    /// a tag of word characters, dots and dashes (at most 128), a digest algorithm:hex of at least 32 digits.
    /// </summary>
    public static string? ParseError(string text)
    {
        if (AnchoredIdentifier().IsMatch(text))
        {
            return $"invalid repository name ({text}), cannot specify 64-byte hexadecimal strings";
        }

        var slash = text.IndexOf('/');
        var first = slash < 0 ? "" : text[..slash];
        var isDomain = slash >= 0 && (first == "localhost" || first.Contains('.') || first.Contains(':') || first.ToLowerInvariant() != first);
        var remainder = isDomain ? text[(slash + 1)..] : text;
        if (!isDomain && !remainder.Contains('/'))
        {
            remainder = "library/" + remainder;
        }

        var colon = remainder.IndexOf(':');
        var remote = colon < 0 ? remainder : remainder[..colon];
        if (remote.ToLowerInvariant() != remote)
        {
            return $"invalid reference format: repository name ({remote}) must be lowercase";
        }

        var full = (isDomain ? first : DockerHub) + "/" + remainder;
        var match = Grammar().Match(full);
        if (!match.Success)
        {
            return Grammar().IsMatch(full.ToLowerInvariant()) ? "repository name must be lowercase" : "invalid reference format";
        }

        if (match.Groups["name"].Length > 255)
        {
            return "repository name must not be more than 255 characters";
        }

        return match.Groups["digest"].Value is { Length: > 0 } digest && digest.StartsWith("sha256:", StringComparison.Ordinal) && digest.Length != "sha256:".Length + 64
            ? "invalid checksum digest length"
            : null;
    }

    [GeneratedRegex("^[a-f0-9]{64}$")]
    private static partial Regex AnchoredIdentifier();

    [GeneratedRegex(@"^(?<name>(?:(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)(?::(?<tag>[0-9A-Za-z_][0-9A-Za-z_.-]{0,127}))?(?:@(?<digest>[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$")]
    private static partial Regex Grammar();

    public static ImageReference Parse(string text)
    {
        var rest = text.Trim();
        string? digest = null;
        var at = rest.IndexOf('@');
        if (at >= 0)
        {
            digest = rest[(at + 1)..];
            rest = rest[..at];
        }

        string? tag = null;
        var colon = rest.LastIndexOf(':');
        if (colon > rest.LastIndexOf('/'))
        {
            tag = rest[(colon + 1)..];
            rest = rest[..colon];
        }

        var slash = rest.IndexOf('/');
        var first = slash >= 0 ? rest[..slash] : "";
        string domain, path;
        if (slash >= 0 && (first.Contains('.') || first.Contains(':') || first == "localhost"))
        {
            domain = first == "index.docker.io" ? DockerHub : first;
            path = rest[(slash + 1)..];
        }
        else
        {
            domain = DockerHub;
            path = rest;
        }

        if (domain == DockerHub && !path.Contains('/'))
        {
            path = "library/" + path;
        }

        return new ImageReference(domain, path, tag, digest);
    }

    /// <summary>The reference with ":latest" added when it names neither a tag nor a digest (what the kubelet pulls).</summary>
    public ImageReference WithDefaultTag() => Tag is null && Digest is null ? this with { Tag = "latest" } : this;

    public string Repository => $"{Domain}/{Path}";

    /// <summary>The fully qualified form: "docker.io/library/app:latest".</summary>
    public override string ToString() => Repository + (Tag is null ? "" : ":" + Tag) + (Digest is null ? "" : "@" + Digest);

    /// <summary>The short form docker prints: "app", "user/app", "registry.k8s.io/pause".</summary>
    public string FamiliarRepository
    {
        get
        {
            if (Domain != DockerHub)
            {
                return Repository;
            }

            return Path.StartsWith("library/", StringComparison.Ordinal) && Path.Count(c => c == '/') == 1 ? Path["library/".Length..] : Path;
        }
    }

    /// <summary>The API server's default: Always for ":latest" or no tag, IfNotPresent otherwise.</summary>
    public static string DefaultPullPolicy(string image)
    {
        var reference = Parse(image);
        return reference.Tag == "latest" || (reference.Tag is null && reference.Digest is null) ? "Always" : "IfNotPresent";
    }
}
