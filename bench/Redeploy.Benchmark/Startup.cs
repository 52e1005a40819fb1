using System.Diagnostics;
using TestSupport;

namespace Redeploy.Benchmark;

/// <summary>
/// Start-up of the build as users run it all day: a warm <c>./build.sh</c> with no arguments (the Default target),
/// against the Frosting template's <c>dotnet run --project build/Build.csproj</c>, measured in the same run.
/// </summary>
public static class Startup
{
    public static IReadOnlyList<string[]> Measure(string repository, int runs)
    {
        var buildScript = Path.Combine(repository, "build.sh");
        var project = Path.Combine(repository, "build", "Build.csproj");
        Time("bash", [buildScript], repository); // compiles if an input changed; not measured

        var script = Enumerable.Range(0, runs).Select(_ => Time("bash", [buildScript], repository)).ToList();
        var dotnetRun = Enumerable.Range(0, Math.Max(3, runs / 2)).Select(_ => Time("dotnet", ["run", "--project", project], repository)).ToList();
        var scriptMedian = Median(script);
        var runMedian = Median(dotnetRun);
        return
        [
            ["Command", "Median", "Min", "Max", "Runs", "Speed-up"],
            ["./build.sh (warm)", $"{scriptMedian:0.000}s", $"{script.Min():0.000}s", $"{script.Max():0.000}s", $"{script.Count}", $"{runMedian / scriptMedian:0.0}x"],
            ["dotnet run --project build/Build.csproj", $"{runMedian:0.000}s", $"{dotnetRun.Min():0.000}s", $"{dotnetRun.Max():0.000}s", $"{dotnetRun.Count}", "1.0x"],
        ];
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static double Time(string file, string[] arguments, string directory)
    {
        var clock = Stopwatch.StartNew();
        var result = ProcessRunner.RunAsync(file, arguments, new Dictionary<string, string?> { ["NO_COLOR"] = "1" }, directory).GetAwaiter().GetResult();
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed: {result}");
        }

        return clock.Elapsed.TotalSeconds;
    }
}
