namespace Redeploy.Benchmark;

/// <summary>Plain-text tables: a header row and rows, each column padded to its widest cell.</summary>
public static class Tables
{
    public static IEnumerable<string> Format(IReadOnlyList<string[]> table)
    {
        var widths = Enumerable.Range(0, table[0].Length).Select(i => table.Max(row => row[i].Length)).ToArray();
        return table.Select(row => string.Join("  ", row.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd());
    }
}
