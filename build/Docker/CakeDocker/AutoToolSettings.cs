using Cake.Core.Tooling;

namespace Cake.Docker;

/// <summary>
/// The base of every docker command's settings, as in Cake.Docker: each public property the settings class
/// declares becomes a flag named after it in kebab case (<c>CacheFrom</c> -> <c>--cache-from</c>). A <c>bool?</c>
/// or <c>bool</c> is passed only when true, a <c>string</c> only when not empty, a <c>string[]</c> once per
/// value, a number only when set. Properties listed in <see cref="SecretProperties"/> are redacted in logs.
/// </summary>
public abstract class AutoToolSettings : ToolSettings
{
    public readonly HashSet<string> SecretProperties;

    protected AutoToolSettings()
    {
        SecretProperties = new HashSet<string>(CollectSecretProperties() ?? [], StringComparer.Ordinal);
    }

    /// <summary>The names of the properties whose values must never be logged.</summary>
    protected virtual string[]? CollectSecretProperties() => null;
}

/// <summary>
/// A <c>bool?</c> option whose docker default is true (<c>--rm</c>, <c>--disable-content-trust</c>): passed as
/// <c>--name=true|false</c> whenever it is set, so that false can be said.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class TrueByDefaultAttribute : Attribute
{
}
