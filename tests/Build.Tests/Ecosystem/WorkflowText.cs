using System.Text.RegularExpressions;

namespace Build.Tests.Ecosystem;

/// <summary>
/// Just enough reading of a GitHub Actions workflow file (block-style YAML, two-space indentation) for the tests:
/// a job's lines, the commands its steps run, the actions it uses. No YAML library: the structure of these files is
/// fixed and actionlint checks that they are valid.
/// </summary>
public sealed partial class WorkflowText
{
    private readonly string[] _lines;

    public WorkflowText(string path)
    {
        Path = path;
        Text = File.ReadAllText(path).Replace("\r\n", "\n");
        _lines = Text.Split('\n');
    }

    public string Path { get; }

    public string Text { get; }

    /// <summary>The ids of the jobs under <c>jobs:</c>.</summary>
    public IReadOnlyList<string> JobIds =>
        _lines.SkipWhile(l => l != "jobs:").Skip(1).Select(l => JobKey().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();

    /// <summary>The lines of one job (its key line included), or throws when the workflow has no such job.</summary>
    public IReadOnlyList<string> Job(string id)
    {
        var jobs = Array.IndexOf(_lines, "jobs:");
        var start = jobs < 0 ? -1 : Array.IndexOf(_lines, $"  {id}:", jobs);
        if (start < 0)
        {
            throw new InvalidOperationException($"{Path} has no job '{id}'");
        }

        return _lines.Skip(start).Take(1)
            .Concat(_lines.Skip(start + 1).TakeWhile(l => l.Length == 0 || l.StartsWith("   ", StringComparison.Ordinal) || l.TrimStart().StartsWith('#')))
            .ToList();
    }

    /// <summary>
    /// The command lines a job's steps run: single-line <c>run:</c> values and the lines of <c>run: |</c> blocks,
    /// trimmed, without comments.
    /// </summary>
    public static IReadOnlyList<string> Commands(IReadOnlyList<string> lines)
    {
        var commands = new List<string>();
        for (var i = 0; i < lines.Count; i++)
        {
            var match = RunKey().Match(lines[i]);
            if (!match.Success)
            {
                continue;
            }

            var value = match.Groups[2].Value.Trim();
            if (value is not ("|" or ">" or "|-" or ">-"))
            {
                commands.Add(value);
                continue;
            }

            var indent = match.Groups[1].Value.Length;
            for (i++; i < lines.Count && (lines[i].Trim().Length == 0 || Indent(lines[i]) > indent); i++)
            {
                var line = lines[i].Trim();
                if (line.Length > 0 && !line.StartsWith('#'))
                {
                    commands.Add(line);
                }
            }

            i--;
        }

        return commands;
    }

    /// <summary>Every <c>uses:</c> value in the file.</summary>
    public IReadOnlyList<string> Uses =>
        _lines.Select(l => UsesKey().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value.Trim().Trim('"', '\'')).ToList();

    /// <summary>The steps of a job, each as its lines (from its <c>- </c> line).</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Steps(IReadOnlyList<string> job)
    {
        var steps = new List<IReadOnlyList<string>>();
        var stepsLine = job.ToList().FindIndex(l => l.Trim() == "steps:");
        if (stepsLine < 0)
        {
            return steps;
        }

        List<string>? current = null;
        var itemIndent = -1;
        foreach (var line in job.Skip(stepsLine + 1))
        {
            var trimmed = line.TrimStart();
            if (trimmed.StartsWith("- ", StringComparison.Ordinal) && (itemIndent < 0 || Indent(line) == itemIndent))
            {
                itemIndent = Indent(line);
                current = [line];
                steps.Add(current);
            }
            else
            {
                current?.Add(line);
            }
        }

        return steps;
    }

    private static int Indent(string line) => line.Length - line.TrimStart(' ').Length;

    [GeneratedRegex(@"^  ([A-Za-z_][\w-]*):\s*$")]
    private static partial Regex JobKey();

    [GeneratedRegex(@"^(\s*)(?:- )?run:(.*)$")]
    private static partial Regex RunKey();

    [GeneratedRegex(@"^\s*(?:- )?uses:\s*(\S+)")]
    private static partial Regex UsesKey();
}
