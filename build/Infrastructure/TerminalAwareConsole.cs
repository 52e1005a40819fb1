using Cake.Core;

namespace Build.Infrastructure;

/// <summary>
/// Cake's console, but without colour codes where the output is read as text: Cake colours whenever TERM looks like a
/// terminal, also when the output goes to a file or a pipe. Here it colours only a terminal, or a CI log that renders
/// colour (GitHub Actions, Azure Pipelines, TeamCity: Cake's own list), and never with NO_COLOR.
/// </summary>
public sealed class TerminalAwareConsole(IConsole inner, bool outputIsTerminal, Func<string, string?> environment) : IConsole
{
    private static readonly string[] CiLogsThatRenderColour = [EnvironmentVariableNames.GitHubActions, EnvironmentVariableNames.AzurePipelines, EnvironmentVariableNames.TeamCity];

    public ConsoleColor ForegroundColor
    {
        get => inner.ForegroundColor;
        set => inner.ForegroundColor = value;
    }

    public ConsoleColor BackgroundColor
    {
        get => inner.BackgroundColor;
        set => inner.BackgroundColor = value;
    }

    public bool SupportAnsiEscapeCodes =>
        inner.SupportAnsiEscapeCodes && (outputIsTerminal || CiLogsThatRenderColour.Any(v => !string.IsNullOrEmpty(environment(v))));

    public void Write(string format, params object[] arg) => inner.Write(format, arg);

    public void WriteLine(string format, params object[] arg) => inner.WriteLine(format, arg);

    public void WriteError(string format, params object[] arg) => inner.WriteError(format, arg);

    public void WriteErrorLine(string format, params object[] arg) => inner.WriteErrorLine(format, arg);

    public void ResetColor() => inner.ResetColor();
}
