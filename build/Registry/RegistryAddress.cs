using System.Text.RegularExpressions;

namespace Build.Registry;

/// <summary>
/// Where registry delivery pushes: <c>HOST[:PORT][/PREFIX]</c>, e.g. <c>registry.example.com/team</c> or
/// <c>127.0.0.1:5000</c>. A service's image <c>bot</c> becomes <c>HOST[:PORT]/PREFIX/bot</c>.
/// </summary>
public sealed partial record RegistryAddress(string Host, string Prefix)
{
    /// <summary>The repository a service's image is pushed to.</summary>
    public string Repository(string image) => Prefix.Length == 0 ? $"{Host}/{image}" : $"{Host}/{Prefix}/{image}";

    /// <summary>Docker talks plain HTTP to registries on loopback (and to those configured insecure); HTTPS to any other.</summary>
    public bool IsLoopback =>
        HostName is "localhost" || (System.Net.IPAddress.TryParse(HostName.Trim('[', ']'), out var ip) && System.Net.IPAddress.IsLoopback(ip));

    public string HostName => Host.StartsWith('[') ? Host[..(Host.IndexOf(']') + 1)] : Host.Split(':')[0];

    public override string ToString() => Prefix.Length == 0 ? Host : $"{Host}/{Prefix}";

    /// <summary>Reads <paramref name="text"/>, or explains in one line (naming <paramref name="source"/>) why it is not a registry.</summary>
    public static RegistryAddress Parse(string text, string source)
    {
        var value = text.Trim().TrimEnd('/');
        if (value.Contains("://", StringComparison.Ordinal))
        {
            throw new Infrastructure.BuildInputException($"{source}={text} must not have a scheme: write HOST[:PORT][/PREFIX], e.g. registry.example.com/team.");
        }

        var slash = value.IndexOf('/');
        var host = slash < 0 ? value : value[..slash];
        var prefix = slash < 0 ? "" : value[(slash + 1)..];
        if (!HostPattern().IsMatch(host) || !(host.Contains('.') || host.Contains(':') || host == "localhost"))
        {
            throw new Infrastructure.BuildInputException(
                $"{source}={text} does not start with a registry host (a name with a dot or a port, or localhost), e.g. registry.example.com/team or 127.0.0.1:5000.");
        }

        if (prefix.Length > 0 && !PrefixPattern().IsMatch(prefix))
        {
            throw new Infrastructure.BuildInputException($"{source}={text}: the path after the host must be lowercase repository components, e.g. team or team/apps.");
        }

        return new RegistryAddress(host, prefix);
    }

    [GeneratedRegex(@"^([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(:[0-9]{1,5})?$")]
    private static partial Regex HostPattern();

    [GeneratedRegex("^[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*$")]
    private static partial Regex PrefixPattern();
}
