using System.Diagnostics;
using System.Reflection;
using Cake.Cli;
using Cake.Core;

namespace Cake.Frosting.Internal;

/// <summary>
/// Reports the version of the Cake engine the build runs on. Cake.Cli's resolver reads the entry
/// assembly, which here is the build itself, so it would print "Unknown".
/// </summary>
internal sealed class EngineVersionResolver : IVersionResolver
{
    private static readonly Assembly Engine = typeof(ICakeContext).Assembly;

    public string GetVersion() => Engine.GetName().Version is { } v ? $"{v.Major}.{v.Minor}.{v.Build}" : "Unknown";

    public string GetProductVersion() =>
        Engine.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? FileVersionInfo.GetVersionInfo(Engine.Location).ProductVersion
        ?? GetVersion();
}
