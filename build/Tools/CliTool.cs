using Build.Infrastructure;
using Cake.Core;
using Cake.Core.IO;
using Cake.Core.Tooling;

namespace Build.Tools;

/// <summary>
/// A thin wrapper around a command-line tool, on Cake's <see cref="Tool{TSettings}"/> (found on PATH or at
/// <see cref="ToolSettings.ToolPath"/>, with its working directory, environment and timeout settings).
/// Unlike Cake's own <c>Run</c>, it always captures standard output and error, can stream them line by line,
/// kills the process when <see cref="ToolSettings.ToolTimeout"/> passes, and reports a failure with the
/// tool's last lines instead of a bare exit code.
/// </summary>
public abstract class CliTool<TSettings>(ICakeContext context)
    : Tool<TSettings>(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools)
    where TSettings : ToolSettings
{
    protected abstract string ExecutableName { get; }

    protected sealed override string GetToolName() => ExecutableName;

    protected sealed override IEnumerable<string> GetToolExecutableNames() => [ExecutableName, ExecutableName + ".exe"];

    /// <summary>Runs the tool with each argument quoted as needed.</summary>
    protected ToolResult Execute(TSettings settings, IEnumerable<string> arguments, ToolRun? run = null) =>
        Execute(settings, arguments.ToProcessArgumentsQuoted(), run);

    protected ToolResult Execute(TSettings settings, ProcessArgumentBuilder arguments, ToolRun? run = null)
    {
        run ??= new ToolRun();
        var output = new List<string>();
        var error = new List<string>();
        var processSettings = new ProcessSettings
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectedStandardOutputHandler = line => Collect(line, output, run.OnOutputLine),
            RedirectedStandardErrorHandler = line => Collect(line, error, run.OnErrorLine),
            StandardInput = run.StandardInput is null ? null : new ProcessStandardInput?(new ProcessStandardInput(System.Text.Encoding.UTF8.GetBytes(run.StandardInput))),
        };
        var commandLine = $"{ExecutableName} {arguments.RenderSafe()}".TrimEnd();

        IProcess process;
        try
        {
            process = RunProcess(settings, arguments, processSettings);
        }
        catch (CakeException exception) when (exception.Message.Contains("Could not locate executable", StringComparison.Ordinal))
        {
            throw new BuildInputException($"{ExecutableName} was not found on PATH: install it, or check that PATH includes it.");
        }

        using (process)
        {
            var timeout = settings.ToolTimeout;
            if (timeout is { } limit && !process.WaitForExit((int)limit.TotalMilliseconds))
            {
                process.Kill();
                process.WaitForExit();
                throw new ToolTimeoutException(commandLine, limit);
            }

            process.WaitForExit();
            var exitCode = process.GetExitCode();
            ToolResult result;
            lock (output)
            lock (error)
            {
                result = new ToolResult(ExecutableName, commandLine, exitCode, [.. output], [.. error]);
            }

            if (!result.Succeeded && !run.AllowFailure)
            {
                throw new ToolFailedException(result, run.QuotedLines);
            }

            return result;
        }
    }

    private static string Collect(string? line, List<string> lines, Action<string>? onLine)
    {
        // Cake calls the handler once more with null when the stream ends.
        if (line is null)
        {
            return null!;
        }

        lock (lines)
        {
            lines.Add(line);
        }

        onLine?.Invoke(line);
        return line;
    }
}
