using System.Diagnostics;
using System.Text;
using TestSupport;

namespace ClusterSim.Tests;

/// <summary>A client process that keeps running (kubectl logs -f, kubectl get --watch) while the test reads what it printed so far.</summary>
internal sealed class BackgroundProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();
    private readonly StringBuilder error = new();

    public BackgroundProcess(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?> environment, string workingDirectory)
    {
        process = new Process { StartInfo = ProcessRunner.CreateStartInfo(fileName, arguments, environment, workingDirectory) };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(error, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Output => Read(output);

    public string Error => Read(error);

    public IReadOnlyList<string> Lines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public bool HasExited => process.HasExited;

    /// <summary>Waits until the output satisfies <paramref name="condition"/>; throws with the output so far when it does not in time.</summary>
    public async Task WaitForAsync(Func<string, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition(Output))
        {
            if (DateTime.UtcNow > deadline || process.HasExited)
            {
                await Task.Delay(100);
                if (condition(Output))
                {
                    return;
                }

                throw new TimeoutException($"{what}: not seen after {timeout.TotalSeconds:0.#}s (exited: {process.HasExited})\n--- stdout ---\n{Output}\n--- stderr ---\n{Error}");
            }

            await Task.Delay(25);
        }
    }

    /// <summary>The exit code, or null when the process is still running after <paramref name="timeout"/>.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
            process.WaitForExit();
            return process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }

    private static void Append(StringBuilder buffer, string? line)
    {
        if (line is not null)
        {
            lock (buffer)
            {
                buffer.Append(line).Append('\n');
            }
        }
    }

    private static string Read(StringBuilder buffer)
    {
        lock (buffer)
        {
            return buffer.ToString();
        }
    }
}
