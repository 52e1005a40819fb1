using Cake.Core;
using Cake.Core.Configuration;
using Cake.Core.Diagnostics;
using Cake.Core.Packaging;
using Cake.Core.Tooling;

namespace Cake.Frosting.Internal;

/// <summary>
/// Installs a tool with the first package installer that takes its scheme (Cake.NuGet's for <c>nuget:</c>, the
/// .NET tool module's for <c>dotnet:</c>, or one added with <c>UsePackageInstaller</c>) and registers the
/// installed files with the tool locator.
/// </summary>
internal sealed class ToolInstaller(
    ICakeEnvironment environment,
    IToolLocator locator,
    ICakeConfiguration configuration,
    ICakeLog log,
    IEnumerable<IPackageInstaller> installers) : IToolInstaller
{
    public void Install(PackageReference tool)
    {
        ArgumentNullException.ThrowIfNull(tool);
        var installer = installers.FirstOrDefault(i => i.CanInstall(tool, PackageType.Tool))
            ?? throw new FrostingException($"Could not find an installer for the '{tool.Scheme}' scheme.");

        log.Debug("Installing tool '{0}'...", tool.Package);
        var files = installer.Install(tool, PackageType.Tool, configuration.GetToolPath(".", environment));
        if (files.Count == 0)
        {
            throw new FrostingException($"Failed to install tool '{tool.Package}'.");
        }

        foreach (var file in files)
        {
            locator.RegisterFile(file.Path);
        }
    }
}
