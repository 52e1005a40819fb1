namespace Build.Infrastructure;

/// <summary>A plain-text table with aligned columns, for log output (and Markdown for GitHub summaries).</summary>
public sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public IReadOnlyList<string> Headers { get; } = headers;

    public IReadOnlyList<IReadOnlyList<string>> Rows => _rows;

    public TextTable Add(params string[] cells)
    {
        if (cells.Length != Headers.Count)
        {
            throw new ArgumentException($"Expected {Headers.Count} cells, got {cells.Length}.", nameof(cells));
        }

        _rows.Add(cells);
        return this;
    }

    /// <summary>The header line, then one line per row.</summary>
    public IEnumerable<string> Lines()
    {
        var widths = Headers.Select((h, i) => _rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        string Line(IReadOnlyList<string> cells) => string.Join("  ", cells.Select((c, i) => c.PadRight(widths[i]))).TrimEnd();
        yield return Line(Headers);
        foreach (var row in _rows)
        {
            yield return Line(row);
        }
    }

    public string ToMarkdown()
    {
        static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
        var lines = new List<string>
        {
            "| " + string.Join(" | ", Headers.Select(Cell)) + " |",
            "|" + string.Concat(Enumerable.Repeat(" --- |", Headers.Count)),
        };
        lines.AddRange(_rows.Select(r => "| " + string.Join(" | ", r.Select(Cell)) + " |"));
        return string.Join('\n', lines);
    }
}
