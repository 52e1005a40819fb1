using System.Diagnostics;
using System.Reflection;
using System.Text;
using TestSupport;

namespace Build.Tests.Infrastructure;

/// <summary>Runs the real build (Build.dll, or ./build.sh) as a child process, as a user would.</summary>
public static class BuildProcess
{
    public static string RepositoryRoot { get; } = typeof(BuildProcess).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    /// <summary>The compiled build this test run was built with.</summary>
    public static string BuildDll => typeof(BuildContext).Assembly.Location;

    /// <summary>The environment every run gets on top of the given one: no colour codes, no CI log groups.</summary>
    private static Dictionary<string, string?> Environment(IReadOnlyDictionary<string, string?>? environment)
    {
        var merged = new Dictionary<string, string?> { ["NO_COLOR"] = "1", ["GITHUB_ACTIONS"] = null, ["GITHUB_STEP_SUMMARY"] = null };
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            merged[name] = value;
        }

        return merged;
    }

    public static Task<ProcessResult> RunAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? timeout = null, string? standardInput = null) =>
        ProcessRunner.RunAsync("dotnet", [BuildDll, .. arguments], Environment(environment), RepositoryRoot, timeout ?? TimeSpan.FromMinutes(3), standardInput);

    /// <summary>Starts the build and returns at once, so a test can watch its output and signal it.</summary>
    public static RunningBuild Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null, bool viaBuildScript = false)
    {
        var (file, args) = viaBuildScript
            ? ("bash", new[] { Path.Combine(RepositoryRoot, "build.sh") }.Concat(arguments))
            : ("dotnet", new[] { BuildDll }.Concat(arguments));
        return new RunningBuild(ProcessRunner.CreateStartInfo(file, args, Environment(environment), RepositoryRoot));
    }
}

/// <summary>A build process that is still running.</summary>
public sealed class RunningBuild : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    public RunningBuild(ProcessStartInfo info)
    {
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int ProcessId => _process.Id;

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public Task WaitForOutputAsync(string text, TimeSpan timeout) =>
        Network.WaitUntilAsync(() => Task.FromResult(Output.Contains(text, StringComparison.Ordinal) || _process.HasExited), timeout, $"'{text}' in the build output:\n{Output}");

    /// <summary>Waits for the exit and returns the exit code, or null if it did not exit in time (it is then killed).</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            _process.WaitForExit();
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            return null;
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output) _output.AppendLine(line);
        }
    }
}
