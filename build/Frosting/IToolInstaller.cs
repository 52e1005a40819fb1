using Cake.Core.Packaging;

namespace Cake.Frosting;

/// <summary>
/// Installs the tools registered with <c>InstallTool</c> or <c>UseTool</c> before the first task, so that
/// <c>context.Tools.Resolve(...)</c> and Cake's tool aliases find them.
/// </summary>
public interface IToolInstaller
{
    /// <summary>
    /// Installs <paramref name="tool"/> into the tools directory (<c>paths_tools</c>, <c>./tools</c> by default)
    /// with the first <see cref="IPackageInstaller"/> that can install it, and registers its files with the tool locator.
    /// </summary>
    /// <param name="tool">The tool, e.g. <c>nuget:?package=NuGet.CommandLine&amp;version=6.13.1</c>.</param>
    void Install(PackageReference tool);
}
