namespace TestSupport;

public static class DockerImages
{
    /// <summary>Removes every tag of <paramref name="repository"/> from the daemon (best effort).</summary>
    public static async Task RemoveRepositoryAsync(string repository)
    {
        var tags = await ProcessRunner.RunAsync("docker", ["image", "ls", "--format", "{{.Repository}}:{{.Tag}}", repository]);
        var references = tags.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (references.Length > 0)
        {
            await ProcessRunner.RunAsync("docker", ["rmi", "-f", .. references]);
        }
    }
}
