using Build.Tools;
using Cake.Core;
using Cake.Core.Tooling;

namespace Build.Docker;

/// <summary>Docker aliases, named as in Cake.Docker.</summary>
public static class DockerAliases
{
    private static readonly TimeSpan QuickCommand = TimeSpan.FromSeconds(60);

    public static ToolResult DockerBuild(this ICakeContext context, DockerImageBuildSettings settings, string path, ToolRun? run = null) =>
        new DockerRunner(context).Build(settings, path, run);

    public static void DockerTag(this ICakeContext context, string source, string target) =>
        new DockerRunner(context).Command(new ToolSettings { ToolTimeout = QuickCommand }, ["tag", source, target]);

    /// <summary>The image's ID (sha256:...), or null when the daemon does not have it.</summary>
    public static string? DockerImageId(this ICakeContext context, string image)
    {
        var result = new DockerRunner(context).Command(
            new ToolSettings { ToolTimeout = QuickCommand },
            ["image", "inspect", "--format", "{{.Id}}", image],
            new ToolRun { AllowFailure = true });
        return result.Succeeded ? result.OutputText.Trim() : null;
    }

    /// <summary>Client and daemon versions; the daemon's is null when it does not answer.</summary>
    public static (string Client, string? Server, string? Error) DockerVersion(this ICakeContext context)
    {
        var result = new DockerRunner(context).Command(
            new ToolSettings { ToolTimeout = QuickCommand },
            ["version", "--format", "{{.Client.Version}}|{{.Server.Version}}"],
            new ToolRun { AllowFailure = true });
        var parts = result.OutputText.Trim().Split('|');
        var server = parts.Length > 1 && parts[1].Length > 0 && !parts[1].StartsWith('<') ? parts[1] : null;
        return (parts[0], server, server is null ? result.LastLines(1).FirstOrDefault() : null);
    }
}
