using Build.Tests.Infrastructure;
using TestSupport;

namespace Build.Tests.Ecosystem;

/// <summary>
/// Runs the bootstrap scripts as a user does: build.sh directly (its shebang, its exec bit), build.ps1 under the
/// real PowerShell from the repository's local tool manifest (<c>dotnet pwsh</c>, after <c>dotnet tool restore</c>).
/// </summary>
public static class BootstrapScripts
{
    /// <summary>The line each script prints (on standard error) when it compiles the build.</summary>
    public const string CompilingLine = "compiling the build";

    private static readonly Lazy<string?> PwshProblem = new(ProbePwsh);

    public static string RepositoryRoot => BuildProcess.RepositoryRoot;

    /// <summary>No colour codes and no CI log groups in the output; no MSBuild nodes left behind by a compile.</summary>
    public static Dictionary<string, string?> Environment(params (string Name, string? Value)[] overrides)
    {
        var environment = new Dictionary<string, string?>
        {
            ["NO_COLOR"] = "1",
            ["GITHUB_ACTIONS"] = null,
            ["GITHUB_STEP_SUMMARY"] = null,
            ["MSBUILDDISABLENODEREUSE"] = "1",
        };
        foreach (var (name, value) in overrides)
        {
            environment[name] = value;
        }

        return environment;
    }

    /// <summary>Skips (in CI: fails) unless pwsh from the local tool manifest runs.</summary>
    public static void RequirePwsh() => Requirements.Require(PwshProblem.Value is null, PwshProblem.Value ?? "");

    /// <summary>Runs <c>ROOT/build.sh ARGS</c> in ROOT.</summary>
    public static Task<ProcessResult> RunBuildShAsync(string root, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null) =>
        ProcessRunner.RunAsync(Path.Combine(root, "build.sh"), arguments, environment ?? Environment(), root, TimeSpan.FromMinutes(5));

    /// <summary>Runs <c>dotnet pwsh -File ROOT/build.ps1 ARGS</c>: every argument reaches the script (<c>dotnet tool run pwsh</c> would take --help itself); the tool manifest is found from the repository root.</summary>
    public static Task<ProcessResult> RunBuildPs1Async(string root, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null)
    {
        RequirePwsh();
        return ProcessRunner.RunAsync(
            "dotnet",
            ["pwsh", "-NoLogo", "-NoProfile", "-NonInteractive", "-File", Path.Combine(root, "build.ps1"), .. arguments],
            environment ?? Environment(),
            RepositoryRoot,
            TimeSpan.FromMinutes(5));
    }

    /// <summary>Runs build.sh or build.ps1 (by file name) of ROOT.</summary>
    public static Task<ProcessResult> RunAsync(string script, string root, IEnumerable<string> arguments) => script switch
    {
        "build.sh" => RunBuildShAsync(root, arguments),
        "build.ps1" => RunBuildPs1Async(root, arguments),
        _ => throw new ArgumentOutOfRangeException(nameof(script), script, "build.sh or build.ps1"),
    };

    /// <summary>How many times the output says the script compiled the build.</summary>
    public static int CompileCount(ProcessResult result) =>
        result.Output.Split('\n').Count(line => line.Contains(CompilingLine, StringComparison.Ordinal));

    private static string? ProbePwsh()
    {
        var result = ProcessRunner.RunAsync(
                "dotnet",
                ["pwsh", "-NoLogo", "-NoProfile", "-NonInteractive", "-Command", "$PSVersionTable.PSVersion.ToString()"],
                workingDirectory: RepositoryRoot,
                timeout: TimeSpan.FromMinutes(2))
            .GetAwaiter().GetResult();
        return result.ExitCode == 0
            ? null
            : $"pwsh from .config/dotnet-tools.json does not run (run `dotnet tool restore`, or scripts/install-test-prerequisites.sh tools): {result.Output.Trim()}";
    }
}
