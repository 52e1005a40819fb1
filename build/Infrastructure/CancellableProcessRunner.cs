using System.Collections.Concurrent;
using Cake.Core.IO;

namespace Build.Infrastructure;

/// <summary>
/// Cake's process runner, plus: every process it starts is killed when the build is cancelled, no new one
/// starts after that, and a process killed that way reports the cancellation (a <see cref="BuildCancelledException"/>)
/// instead of an exit code (except inside <see cref="BuildCancellation.Cleanup"/>). Registered in place of the default runner, so every tool and alias goes through it.
/// </summary>
public sealed class CancellableProcessRunner : IProcessRunner
{
    private readonly IProcessRunner _inner;
    private readonly BuildCancellation _cancellation;
    private readonly ConcurrentDictionary<IProcess, byte> _running = new();

    public CancellableProcessRunner(IProcessRunner inner, BuildCancellation cancellation)
    {
        _inner = inner;
        _cancellation = cancellation;
        _cancellation.Token.Register(KillAll);
    }

    public IProcess Start(FilePath filePath, ProcessSettings settings)
    {
        if (BuildCancellation.IsCleaningUp)
        {
            return _inner.Start(filePath, settings); // a cleanup step: it runs after a Ctrl-C too, bounded by its own deadline
        }

        _cancellation.ThrowIfCancellationRequested();
        var process = _inner.Start(filePath, settings);
        if (process is null)
        {
            return null!;
        }

        _running[process] = 0;
        if (_cancellation.IsCancellationRequested)
        {
            KillAll();
        }

        return new TrackedProcess(process, _cancellation, () => _running.TryRemove(process, out _));
    }

    private void KillAll()
    {
        foreach (var process in _running.Keys)
        {
            try
            {
                process.Kill();
            }
            catch (InvalidOperationException)
            {
                // It exited on its own in the meantime.
            }
        }
    }

    /// <summary>Forgets the process once it has been waited for or disposed.</summary>
    private sealed class TrackedProcess(IProcess process, BuildCancellation cancellation, Action forget) : IProcess
    {
        public void WaitForExit()
        {
            process.WaitForExit();
            forget();
        }

        public bool WaitForExit(int milliseconds)
        {
            var exited = process.WaitForExit(milliseconds);
            if (exited)
            {
                forget();
            }

            return exited;
        }

        public int GetExitCode()
        {
            cancellation.ThrowIfCancellationRequested();
            return process.GetExitCode();
        }

        public IEnumerable<string> GetStandardError() => process.GetStandardError();

        public IEnumerable<string> GetStandardOutput() => process.GetStandardOutput();

        public void Kill() => process.Kill();

        public void Dispose()
        {
            forget();
            process.Dispose();
        }
    }
}
