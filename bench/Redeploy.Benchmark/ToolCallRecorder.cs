using ClusterSim;
using TestSupport;

namespace Redeploy.Benchmark;

/// <summary>How many processes of each tool one build run started, and their command lines.</summary>
public sealed record ToolCalls(int Docker, int Kubectl, int Minikube, IReadOnlyList<string> Lines)
{
    public int Total => Docker + Kubectl + Minikube;

    /// <summary>"3/2/2 (7)": docker / kubectl / minikube, and all together.</summary>
    public override string ToString() => $"{Docker}/{Kubectl}/{Minikube} ({Total})";
}

/// <summary>
/// Counts the tool processes a build starts: a shell script per tool (docker, kubectl, minikube) in a directory
/// put first on the build's PATH, that appends its command line to a log and execs the real tool. The real tool
/// runs with the PATH the build would have had, so what the tools start themselves (the minikube wrapper's
/// <c>docker save</c>, kubectl's version dispatcher) is not counted: only the build's own calls are. The shims
/// cost a process each, so runs that are timed do not use them.
/// </summary>
public sealed class ToolCallRecorder
{
    private readonly string _log;

    public ToolCallRecorder(string shimDirectory, string log, SimulatedCluster cluster)
    {
        ShimDirectory = shimDirectory;
        _log = log;
        var path = cluster.ClientEnvironment["PATH"];
        var tools = new Dictionary<string, string>
        {
            ["docker"] = Requirements.FindOnPath("docker") ?? throw new InvalidOperationException("docker is not on PATH"),
            ["kubectl"] = Requirements.FindOnPath("kubectl") ?? throw new InvalidOperationException("kubectl is not on PATH"),
            ["minikube"] = Path.Combine(cluster.BinDirectory, "minikube"),
        };
        Directory.CreateDirectory(shimDirectory);
        foreach (var (name, real) in tools)
        {
            var script = Path.Combine(shimDirectory, name);
            File.WriteAllText(script, $"#!/bin/sh\nprintf '%s\\n' \"{name} $*\" >> {Quote(log)}\nPATH={Quote(path)} exec {Quote(real)} \"$@\"\n");
            TempDirectory.MakeExecutable(script);
        }
    }

    public string ShimDirectory { get; }

    /// <summary>Runs <paramref name="run"/> and returns the calls the shims saw meanwhile.</summary>
    public async Task<ToolCalls> CountAsync(Func<Task> run)
    {
        File.WriteAllText(_log, "");
        await run();
        var lines = File.ReadAllLines(_log);
        int Count(string tool) => lines.Count(l => l == tool || l.StartsWith(tool + " ", StringComparison.Ordinal));
        return new ToolCalls(Count("docker"), Count("kubectl"), Count("minikube"), lines);
    }

    /// <summary>A single-quoted shell word.</summary>
    private static string Quote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
