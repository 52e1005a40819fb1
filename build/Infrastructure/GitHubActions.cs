namespace Build.Infrastructure;

/// <summary>What the build does differently when it runs in a GitHub Actions job.</summary>
public sealed class GitHubActions(Func<string, string?> environment)
{
    public bool IsActive => string.Equals(environment(EnvironmentVariableNames.GitHubActions), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The job's step summary file, when there is one.</summary>
    public string? StepSummaryFile => IsActive ? environment(EnvironmentVariableNames.GitHubStepSummary) is { Length: > 0 } file ? file : null : null;

    /// <summary>The workflow command that starts a collapsible log group (it must start its line).</summary>
    public static string StartGroup(string title) => "::group::" + title;

    public const string EndGroup = "::endgroup::";

    /// <summary>The Markdown this run adds to the step summary.</summary>
    public static string Summary(string target, bool succeeded, string? error, TextTable services)
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
