using System.Runtime.InteropServices;

namespace TestSupport;

/// <summary>Sends POSIX signals, as a terminal (Ctrl-C) or `kill` would.</summary>
public static partial class Signals
{
    public const int SIGINT = 2;
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;

    public static void Send(int processId, int signal)
    {
        if (kill(processId, signal) != 0)
        {
            throw new InvalidOperationException($"kill({processId}, {signal}) failed with errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);
}
