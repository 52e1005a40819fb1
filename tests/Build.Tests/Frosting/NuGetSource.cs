using TestSupport;

namespace Build.Tests.Frosting;

/// <summary>
/// Whether the NuGet package source this machine is configured with answers: Cake's NuGet installer reads the same
/// NuGet configuration as <c>dotnet nuget</c>, so the first enabled source there is the one a tool comes from.
/// </summary>
public static class NuGetSource
{
    private static readonly Lazy<Task<string?>> Unreachable = new(FindProblemAsync);

    /// <summary>Null when the source answers, else why not.</summary>
    public static Task<string?> ProblemAsync() => Unreachable.Value;

    private static async Task<string?> FindProblemAsync()
    {
        var list = await ProcessRunner.RunAsync("dotnet", ["nuget", "list", "source", "--format", "short"], timeout: TimeSpan.FromMinutes(1));
        var source = list.StandardOutput.Split('\n')
            .Select(line => line.Trim())
            .Where(line => line.StartsWith("E ", StringComparison.Ordinal))
            .Select(line => line[2..].Trim())
            .FirstOrDefault(line => line.StartsWith("http", StringComparison.OrdinalIgnoreCase));
        if (source is null)
        {
            return $"no enabled http(s) NuGet source is configured ('dotnet nuget list source' said: {list.Output.Trim()})";
        }

        try
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
            using var response = await client.GetAsync(source);
            return response.IsSuccessStatusCode ? null : $"the NuGet source {source} answered {(int)response.StatusCode}";
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return $"the NuGet source {source} is unreachable ({exception.Message})";
        }
    }
}
