using System.Runtime.InteropServices;

namespace Build.Infrastructure;

/// <summary>
/// Turns SIGINT (Ctrl-C) and SIGTERM into an orderly stop: the running child processes are killed, the current
/// task fails, Cake runs Teardown (which removes the temporary Docker config), and the process exits with
/// 130 or 143 as a shell would. A second signal exits at once.
/// </summary>
public sealed class BuildCancellation : IDisposable
{
    private static readonly AsyncLocal<bool> CleaningUp = new();
    private readonly CancellationTokenSource _source = new();
    private readonly List<PosixSignalRegistration> _registrations = [];
    private int _exitCode;

    public CancellationToken Token => _source.Token;

    public bool IsCancellationRequested => _source.IsCancellationRequested;

    /// <summary>The signal that stopped the build, e.g. SIGINT, or null.</summary>
    public string? Signal { get; private set; }

    /// <summary>Starts listening for SIGINT and SIGTERM.</summary>
    public static BuildCancellation ListenForSignals()
    {
        var cancellation = new BuildCancellation();
        cancellation._registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, context => cancellation.OnSignal(context, 130)));
        cancellation._registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => cancellation.OnSignal(context, 143)));
        return cancellation;
    }

    private void Cancel(string signal, int exitCode)
    {
        if (Interlocked.CompareExchange(ref _exitCode, exitCode, 0) == 0)
        {
            Signal = signal;
            _source.Cancel();
        }
    }

    /// <summary>True inside <see cref="Cleanup"/>.</summary>
    public static bool IsCleaningUp => CleaningUp.Value;

    /// <summary>
    /// Marks a step that cleans up after the run (giving up the cluster's lock): the processes it starts still start,
    /// and are not killed, after a Ctrl-C, so that a cancelled run leaves no lock behind. Each has its own short deadline.
    /// Dispose the result to end the step.
    /// </summary>
    public static IDisposable Cleanup()
    {
        var outer = CleaningUp.Value;
        CleaningUp.Value = true;
        return new EndOfCleanup(outer);
    }

    private sealed class EndOfCleanup(bool outer) : IDisposable
    {
        public void Dispose() => CleaningUp.Value = outer;
    }

    /// <summary>The exit code of a cancelled run, else <paramref name="exitCode"/>.</summary>
    public int ExitCodeOr(int exitCode) => IsCancellationRequested ? _exitCode : exitCode;

    /// <summary>Throws the error a task reports when the build was cancelled.</summary>
    public void ThrowIfCancellationRequested()
    {
        if (IsCancellationRequested)
        {
            throw new BuildCancelledException(Signal!, _exitCode);
        }
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _source.Dispose();
    }

    private void OnSignal(PosixSignalContext context, int exitCode)
    {
        if (IsCancellationRequested)
        {
            // Second signal: the user insists. Exit now; ProcessExit handlers still remove temporary files.
            Environment.Exit(_exitCode);
        }

        context.Cancel = true;
        Cancel(context.Signal.ToString(), exitCode);
    }
}

/// <summary>The build was stopped by a signal; the process exits with <see cref="ExitCode"/> (128 + signal number).</summary>
public sealed class BuildCancelledException(string signal, int exitCode)
    : Exception($"The build was cancelled ({signal}).")
{
    public int ExitCode { get; } = exitCode;
}
