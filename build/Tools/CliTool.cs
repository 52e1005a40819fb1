using System.Text;
using Cake.Core;
using Cake.Core.IO;
using Cake.Core.Tooling;

namespace Build.Tools;

/// <summary>
/// A thin wrapper around a command-line tool, on Cake's <see cref="Tool{TSettings}"/> (found on PATH or at
/// <see cref="ToolSettings.ToolPath"/>, with the environment, working directory and deadline of its settings).
/// Unlike Cake's own <c>Run</c>, it always captures standard output and error, can stream them line by line,
/// kills the process when <see cref="ToolSettings.ToolTimeout"/> passes (Cake only stops waiting), and reports
/// a failure with the tool's last lines instead of a bare exit code. A handler the caller put in
/// <see cref="ToolSettings.SetupProcessSettings"/> still sees every line.
/// </summary>
public abstract class CliTool<TSettings>(ICakeContext context)
    : Tool<TSettings>(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools)
    where TSettings : ToolSettings
{
    protected abstract string ExecutableName { get; }

    protected sealed override string GetToolName() => ExecutableName;

    protected sealed override IEnumerable<string> GetToolExecutableNames() => [ExecutableName, ExecutableName + ".exe"];

    /// <summary>True when the tool is found (on PATH, or where the settings say): a file lookup, no process.</summary>
    public bool IsInstalled(TSettings settings) => GetToolPath(settings) is not null;

    /// <summary>Runs the tool with each argument quoted as needed.</summary>
    protected ToolResult Execute(TSettings settings, IEnumerable<string> arguments, ToolRun? run = null) =>
        Execute(settings, arguments.ToProcessArgumentsQuoted(), run);

    /// <summary>Runs the tool to its end (or its deadline) and returns what it printed.</summary>
    protected ToolResult Execute(TSettings settings, ProcessArgumentBuilder arguments, ToolRun? run = null)
    {
        using var running = Start(settings, arguments, run);
        return running.Wait();
    }

    /// <summary>
    /// Starts the tool and returns at once: for a process that runs until the caller has seen enough (a watch).
    /// Dispose the result to stop it.
    /// </summary>
    protected RunningTool Start(TSettings settings, ProcessArgumentBuilder arguments, ToolRun? run = null)
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
            StandardInput = run.StandardInput is null ? null : (ProcessStandardInput?)new ProcessStandardInput(Encoding.UTF8.GetBytes(run.StandardInput)),
        };
        var commandLine = $"{ExecutableName} {arguments.RenderSafe()}".TrimEnd();
        if (GetToolPath(settings) is null)
        {
            throw new ToolNotFoundException(ExecutableName);
        }

        var callerSetup = settings.SetupProcessSettings;
        settings.SetupProcessSettings = info => KeepCollecting(info, callerSetup, output, error);
        try
        {
            var process = RunProcess(settings, arguments, processSettings);
            return new RunningTool(process, commandLine, settings.ToolTimeout, () => Snapshot(output), () => Snapshot(error), run);
        }
        finally
        {
            settings.SetupProcessSettings = callerSetup;
        }
    }

    /// <summary>Lets the caller's own process setup run, and keeps collecting the lines it redirects elsewhere.</summary>
    private static void KeepCollecting(ProcessSettings info, Action<ProcessSettings>? callerSetup, List<string> output, List<string> error)
    {
        var ours = (info.RedirectedStandardOutputHandler, info.RedirectedStandardErrorHandler);
        callerSetup?.Invoke(info);
        info.RedirectStandardOutput = info.RedirectStandardError = true;
        if (info.RedirectedStandardOutputHandler != ours.RedirectedStandardOutputHandler)
        {
            var theirs = info.RedirectedStandardOutputHandler;
            info.RedirectedStandardOutputHandler = line => theirs is null ? Collect(line, output, null) : theirs(Collect(line, output, null));
        }

        if (info.RedirectedStandardErrorHandler != ours.RedirectedStandardErrorHandler)
        {
            var theirs = info.RedirectedStandardErrorHandler;
            info.RedirectedStandardErrorHandler = line => theirs is null ? Collect(line, error, null) : theirs(Collect(line, error, null));
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

    private static IReadOnlyList<string> Snapshot(List<string> lines)
    {
        lock (lines)
        {
            return [.. lines];
        }
    }
}

/// <summary>A started tool process: wait for it (within its deadline), or dispose it to stop it.</summary>
public sealed class RunningTool : IDisposable
{
    private readonly IProcess _process;
    private readonly TimeSpan? _deadline;
    private readonly Func<IReadOnlyList<string>> _output;
    private readonly Func<IReadOnlyList<string>> _error;
    private readonly ToolRun _run;
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private int _exited;

    internal RunningTool(IProcess process, string commandLine, TimeSpan? deadline, Func<IReadOnlyList<string>> output, Func<IReadOnlyList<string>> error, ToolRun run)
    {
        _process = process;
        CommandLine = commandLine;
        _deadline = deadline;
        _output = output;
        _error = error;
        _run = run;
    }

    /// <summary>The command line as logged: secrets are redacted.</summary>
    public string CommandLine { get; }

    /// <summary>
    /// Waits for the exit and returns the result; throws <see cref="ToolFailedException"/> for a non-zero exit
    /// (unless failures are allowed) and <see cref="ToolTimeoutException"/>, after killing it, at the deadline.
    /// </summary>
    public ToolResult Wait()
    {
        if (_deadline is { } limit)
        {
            var left = limit - _clock.Elapsed;
            if (left <= TimeSpan.Zero || !_process.WaitForExit((int)Math.Ceiling(left.TotalMilliseconds)))
            {
                Stop();
                throw new ToolTimeoutException(CommandLine, limit);
            }
        }

        _process.WaitForExit();
        Interlocked.Exchange(ref _exited, 1);
        var result = new ToolResult(CommandLine, _process.GetExitCode(), _output(), _error());
        return result.Succeeded || _run.AllowFailure ? result : throw new ToolFailedException(result, _run.QuotedLines);
    }

    /// <summary>Kills the process if it still runs, and waits until it is gone.</summary>
    public void Stop()
    {
        if (Interlocked.Exchange(ref _exited, 1) == 1)
        {
            return;
        }

        try
        {
            _process.Kill();
        }
        catch (InvalidOperationException)
        {
            // It exited on its own in the meantime.
        }

        _process.WaitForExit();
    }

    /// <summary>Kills the process if it still runs, without waiting: for another thread than the one waiting for it, which then sees it end.</summary>
    public void Kill()
    {
        if (Volatile.Read(ref _exited) == 1)
        {
            return;
        }

        try
        {
            _process.Kill();
        }
        catch (Exception exception) when (exception is InvalidOperationException or ObjectDisposedException)
        {
            // It exited, and was disposed, in the meantime.
        }
    }

    public void Dispose()
    {
        Stop();
        _process.Dispose();
    }
}
