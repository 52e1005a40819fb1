namespace Build.Minikube;

/// <summary>Image references and IDs in the forms docker, minikube and the kubelet print them.</summary>
public static class ImageReference
{
    /// <summary>
    /// The fully qualified form: <c>bot:1</c> and <c>docker.io/library/bot:1</c> are the same image, as are
    /// <c>bot</c> and <c>bot:latest</c>. A digest reference is returned with its registry made explicit.
    /// </summary>
    public static string Normalize(string reference)
    {
        var name = reference;
        var suffix = "";
        var at = name.IndexOf('@');
        if (at >= 0)
        {
            suffix = name[at..];
            name = name[..at];
        }
        else
        {
            var lastSlash = name.LastIndexOf('/');
            var colon = name.LastIndexOf(':');
            if (colon > lastSlash)
            {
                suffix = name[colon..];
                name = name[..colon];
            }
            else
            {
                suffix = ":latest";
            }
        }

        var firstSlash = name.IndexOf('/');
        var first = firstSlash < 0 ? null : name[..firstSlash];
        var hasRegistry = first is not null && (first.Contains('.') || first.Contains(':') || first == "localhost");
        if (!hasRegistry)
        {
            name = "docker.io/" + (firstSlash < 0 ? "library/" + name : name);
        }
        else if (first == "index.docker.io")
        {
            name = "docker.io" + name[first.Length..];
        }

        return name + suffix;
    }
}
