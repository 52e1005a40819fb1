namespace ClusterSim.Node;

/// <summary>One line a container wrote, with the time the runtime recorded it.</summary>
internal readonly record struct LogLine(DateTimeOffset At, string Text);

/// <summary>
/// The log of one run of a container (what the runtime keeps in its log file): lines appended while it runs, ended
/// when the run ends. Readers take what is there and wait for more, as the kubelet follows a log file.
/// </summary>
internal sealed class ContainerLog
{
    private readonly object gate = new();
    private readonly List<LogLine> lines = [];
    private TaskCompletionSource changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool ended;

    public void Append(DateTimeOffset at, string text)
    {
        lock (gate)
        {
            if (ended)
            {
                return;
            }

            lines.Add(new LogLine(at, text));
            Signal();
        }
    }

    /// <summary>The run is over: no more lines, and followers stop.</summary>
    public void End()
    {
        lock (gate)
        {
            if (!ended)
            {
                ended = true;
                Signal();
            }
        }
    }

    /// <summary>The lines from <paramref name="from"/> on, whether the run has ended, and a task that completes at the next change.</summary>
    public (IReadOnlyList<LogLine> Lines, bool Ended, Task Changed) Read(int from)
    {
        lock (gate)
        {
            return (lines.Skip(from).ToList(), ended, changed.Task);
        }
    }

    private void Signal()
    {
        changed.TrySetResult();
        changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
