namespace Build.Docker;

/// <summary>
/// A Docker image ID (the sha256 of the image's config). Docker prints it as <c>sha256:&lt;64 hex&gt;</c>,
/// minikube's image list as bare hex, the kubelet as <c>docker://sha256:&lt;hex&gt;</c>; this type reads all of
/// them and gives the short forms the build shows and tags with.
/// </summary>
public readonly record struct ImageId
{
    private const string Prefix = "sha256:";

    private ImageId(string hex) => Hex = hex;

    /// <summary>The 64 lowercase hex digits.</summary>
    public string Hex { get; }

    /// <summary>The first 12 hex digits, as <c>docker images</c> shows them.</summary>
    public string Short => Hex[..12];

    /// <summary>
    /// The immutable tag the build gives the image: made from the ID, so unchanged content keeps its tag and new
    /// content always gets a new one.
    /// </summary>
    public string Tag => "id-" + Hex[..16];

    /// <summary>Reads any of the forms above; throws <see cref="FormatException"/> for anything else.</summary>
    public static ImageId Parse(string text) =>
        TryParse(text, out var id) ? id : throw new FormatException($"\"{text}\" is not an image ID (sha256:<64 hex digits>).");

    public static bool TryParse(string? text, out ImageId id)
    {
        var value = (text ?? "").Trim();
        var marker = value.LastIndexOf(Prefix, StringComparison.OrdinalIgnoreCase);
        var hex = (marker >= 0 ? value[(marker + Prefix.Length)..] : value).ToLowerInvariant();
        var valid = hex.Length == 64 && hex.All(Uri.IsHexDigit);
        id = valid ? new ImageId(hex) : default;
        return valid;
    }

    /// <summary>The form docker uses: <c>sha256:&lt;hex&gt;</c>.</summary>
    public override string ToString() => Prefix + Hex;
}
