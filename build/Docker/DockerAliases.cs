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

    /// <summary>The IDs of those of <paramref name="images"/> the daemon has (one <c>docker image inspect</c>).</summary>
    public static IReadOnlyDictionary<string, string> DockerImageIds(this ICakeContext context, params string[] images)
    {
        var result = new DockerRunner(context).Command(
            new ToolSettings { ToolTimeout = QuickCommand },
            ["image", "inspect", "--format", "{{.Id}}", .. images],
            new ToolRun { AllowFailure = true });
        // docker prints the ID of each image it has, in order, and an error line for each it has not.
        var ids = new Queue<string>(result.Output.Where(l => l.StartsWith("sha256:", StringComparison.Ordinal)));
        var missing = result.Error.Where(l => l.Contains("No such image", StringComparison.OrdinalIgnoreCase)).ToList();
        return images
            .Where(image => !missing.Any(m => m.Contains(image, StringComparison.Ordinal)))
            .Zip(ids)
            .ToDictionary(pair => pair.First, pair => pair.Second);
    }

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
