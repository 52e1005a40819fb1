using TestSupport;
using Xunit;

namespace ClusterSim.Tests;

/// <summary>
/// Images built for a test in the real Docker daemon (FROM scratch, so nothing is pulled), under a name unique
/// to the test so parallel tests never share a tag. Removed again on dispose.
/// </summary>
internal sealed class TestImages : IAsyncDisposable
{
    private readonly TempDirectory context = new("clustersim-image");
    private readonly List<string> tags = [];  // references and IDs, so superseded builds go too

    private TestImages(string repository) => Repository = repository;

    /// <summary>A repository name without a slash, so it normalises to docker.io/library/NAME.</summary>
    public string Repository { get; }

    public static TestImages Create(string purpose)
    {
        DockerDaemon.Require();
        return new TestImages($"clustersim-{purpose}-{Guid.NewGuid().ToString("N")[..8]}");
    }

    /// <summary>
    /// Builds REPOSITORY:tag whose content differs by <paramref name="content"/>; <paramref name="exitCode"/>,
    /// <paramref name="log"/> and <paramref name="start"/> become the io.clustersim labels, <paramref name="labels"/>
    /// adds others ("fail-starts" means io.clustersim.fail-starts). Returns the image ID (sha256:...).
    /// </summary>
    public async Task<string> BuildAsync(string tag, string content, int? exitCode = null, string? log = null, string? start = null,
        IReadOnlyDictionary<string, string>? labels = null)
    {
        var reference = $"{Repository}:{tag}";
        var dir = context.Combine(tag + "-" + Guid.NewGuid().ToString("N")[..6]);
        System.IO.Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, "content.txt"), content);
        var lines = new List<string>();
        if (exitCode is not null)
        {
            lines.Add($"LABEL io.clustersim.exit-code=\"{exitCode}\"");
        }

        if (start is not null)
        {
            lines.Add($"LABEL io.clustersim.start=\"{start}\"");
        }

        if (log is not null)
        {
            lines.Add($"LABEL io.clustersim.log=\"{log.Replace("\n", "\\\\n")}\"");
        }

        foreach (var (name, value) in labels ?? new Dictionary<string, string>())
        {
            lines.Add($"LABEL io.clustersim.{name}=\"{value}\"");
        }

        // The label before COPY keeps this repository's layers its own: tests run in parallel and remove their images,
        // and a build that found another test's identical layer in docker's cache fails when that test removes it.
        await File.WriteAllTextAsync(Path.Combine(dir, "Dockerfile"),
            $"FROM scratch\nLABEL io.clustersim.test-images=\"{Repository}\"\nCOPY content.txt /content.txt\n{string.Join("\n", lines)}\n");
        var build = await ProcessRunner.RunAsync("docker", ["build", "-q", "-t", reference, dir], timeout: TimeSpan.FromMinutes(2));
        if (build.ExitCode != 0 && build.StandardError.Contains("unable to find image", StringComparison.Ordinal))
        {
            // dockerd 20.10's classic builder loses an image its cache picked when another test's `docker rmi` runs at
            // that moment (the tests share one daemon). It is the daemon's race, not the simulation's: build again.
            build = await ProcessRunner.RunAsync("docker", ["build", "-q", "-t", reference, dir], timeout: TimeSpan.FromMinutes(2));
        }

        Assert.True(build.ExitCode == 0, $"docker build {reference}: {build}");
        var id = (await IdAsync(reference))!;
        tags.Add(reference);
        tags.Add(id);
        return id;
    }

    public static async Task<string?> IdAsync(string reference)
    {
        var inspect = await ProcessRunner.RunAsync("docker", ["image", "inspect", "--format", "{{.Id}}", reference], timeout: TimeSpan.FromSeconds(30));
        return inspect.ExitCode == 0 ? inspect.StandardOutput.Trim() : null;
    }

    public async ValueTask DisposeAsync()
    {
        if (tags.Count > 0)
        {
            await ProcessRunner.RunAsync("docker", ["rmi", "-f", .. tags], timeout: TimeSpan.FromSeconds(60));
        }

        context.Dispose();
    }
}
