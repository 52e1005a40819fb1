namespace TestSupport;

/// <summary>
/// The real Docker daemon the tests build against: the one the inherited environment points to
/// (DOCKER_HOST, or the CLI's default socket). .ci/run starts one on a private socket and exports DOCKER_HOST;
/// scripts/start-test-docker.sh does the same on a developer machine.
/// </summary>
public static class DockerDaemon
{
    private static readonly Lazy<string?> Problem = new(Probe);

    /// <summary>Skips the test (fails it in CI) when no daemon answers.</summary>
    public static void Require() => Requirements.Require(Problem.Value is null, Problem.Value ?? "");

    public static bool IsAvailable => Problem.Value is null;

    private static string? Probe()
    {
        if (Requirements.FindOnPath("docker") is null)
        {
            return "the docker CLI is not on PATH (apt-get install docker.io)";
        }

        var result = ProcessRunner.RunAsync("docker", ["version", "--format", "{{.Server.Version}}"], timeout: TimeSpan.FromSeconds(20))
            .GetAwaiter().GetResult();
        return result.ExitCode == 0
            ? null
            : $"no Docker daemon answers (DOCKER_HOST={Environment.GetEnvironmentVariable("DOCKER_HOST") ?? "unset"}); run scripts/start-test-docker.sh: {result.StandardError.Trim()}";
    }
}
