namespace Build.Infrastructure;

/// <summary>What a run adds to a GitHub Actions job's step summary (written with Cake.Common's GitHubActions commands).</summary>
public static class StepSummary
{
    /// <summary>The Markdown this run adds to the step summary.</summary>
    public static string Markdown(string target, bool succeeded, string? error, TextTable services)
    {
        var lines = new List<string> { $"### `./build.sh --target={target}` {(succeeded ? "succeeded" : "failed")}", "" };
        if (services.Rows.Count > 0)
        {
            lines.Add(services.ToMarkdown());
            lines.Add("");
        }

        if (error is not null)
        {
            lines.Add("```");
            lines.Add(error);
            lines.Add("```");
            lines.Add("");
        }

        return string.Join('\n', lines);
    }
}
