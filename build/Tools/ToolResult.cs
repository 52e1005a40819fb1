namespace Build.Tools;

/// <summary>Options for one run of a command-line tool.</summary>
public sealed record ToolRun
{
    /// <summary>Called with each line of standard output as it arrives (lines are collected either way).</summary>
    public Action<string>? OnOutputLine { get; init; }

    /// <summary>Called with each line of standard error as it arrives.</summary>
    public Action<string>? OnErrorLine { get; init; }

    /// <summary>Bytes for the process's standard input (a password for <c>--password-stdin</c>, a manifest); never logged.</summary>
    public string? StandardInput { get; init; }

    /// <summary>Return a failed result instead of throwing <see cref="ToolFailedException"/>.</summary>
    public bool AllowFailure { get; init; }

    /// <summary>How many lines of output a failure message quotes.</summary>
    public int QuotedLines { get; init; } = 8;
}

/// <summary>A finished tool run.</summary>
public sealed record ToolResult(string CommandLine, int ExitCode, IReadOnlyList<string> Output, IReadOnlyList<string> Error)
{
    public bool Succeeded => ExitCode == 0;

    public string OutputText => string.Join('\n', Output);

    public string ErrorText => string.Join('\n', Error);

    /// <summary>The last non-empty lines of standard error (or of standard output when there is none).</summary>
    public IReadOnlyList<string> LastLines(int count)
    {
        var lines = Error.Any(l => l.Trim().Length > 0) ? Error : Output;
        return lines.Where(l => l.Trim().Length > 0).TakeLast(count).ToList();
    }
}

/// <summary>A tool exited with an error. The message quotes its last lines of output.</summary>
public sealed class ToolFailedException(ToolResult result, int quotedLines)
    : Exception(Describe(result, quotedLines))
{
    public ToolResult Result { get; } = result;

    public static string Describe(ToolResult result, int quotedLines)
    {
        var lines = result.LastLines(quotedLines);
        var header = $"{result.CommandLine} failed (exit code {result.ExitCode})";
        return lines.Count == 0 ? header + "." : header + ":\n  " + string.Join("\n  ", lines);
    }
}

/// <summary>A tool did not finish within its deadline and was stopped.</summary>
public sealed class ToolTimeoutException(string commandLine, TimeSpan timeout)
    : TimeoutException($"{commandLine} did not finish within {timeout.TotalSeconds:0.#}s and was stopped.")
{
    public TimeSpan Timeout { get; } = timeout;
}

/// <summary>The tool is not installed (not on PATH, and no ToolPath given).</summary>
public sealed class ToolNotFoundException(string tool)
    : Exception($"{tool} was not found on PATH: install it, or check that PATH includes it.")
{
    public string Tool { get; } = tool;
}
