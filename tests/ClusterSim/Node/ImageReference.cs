namespace ClusterSim.Node;

/// <summary>
/// An image reference normalised the way docker's reference.ParseNormalizedNamed does:
/// "app" == "app:latest" == "docker.io/library/app:latest"; "user/app" is "docker.io/user/app";
/// a first component with a dot or a colon, or "localhost", is a registry.
/// </summary>
internal sealed record ImageReference(string Domain, string Path, string? Tag, string? Digest)
{
    public const string DockerHub = "docker.io";

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
