using Cake.Core.IO;

namespace Cake.Frosting.Internal;

/// <summary>The working directory chosen with <c>UseWorkingDirectory</c>.</summary>
internal sealed record WorkingDirectory(DirectoryPath Path);

/// <summary>One configuration value given with <c>UseCakeSetting</c>.</summary>
internal sealed record CakeSetting(string Key, string Value)
{
    /// <summary>The key of the tools directory (Cake's <c>Paths_Tools</c>).</summary>
    public const string ToolsPath = "Paths_Tools";
}
