using System.Reflection;
using System.Text.RegularExpressions;
using Build.Infrastructure;
using Build.Tests.Infrastructure;
using Cake.Frosting;
using Xunit;

namespace Build.Tests.Documentation;

/// <summary>The README's tables tell the truth about the build.</summary>
public sealed partial class ReadmeTests
{
    private static readonly string Readme = File.ReadAllText(Path.Combine(BuildProcess.RepositoryRoot, "README.md"));

    /// <summary>The first cells of a table's rows, under the heading whose text is given.</summary>
    private static IReadOnlyList<string[]> Table(string heading)
    {
        var section = Readme[(Readme.IndexOf("\n## " + heading + "\n", StringComparison.Ordinal) + 1)..];
        section = section[..(section.IndexOf("\n## ", 1, StringComparison.Ordinal) is var end and > 0 ? end : section.Length)];
        return section.Split('\n')
            .Where(line => line.StartsWith("| ", StringComparison.Ordinal) && !line.StartsWith("| ---", StringComparison.Ordinal))
            .Skip(1)
            .Select(line => line.Trim('|', ' ').Split(" | ").Select(cell => cell.Trim()).ToArray())
            .ToList();
    }

    [Fact]
    public void The_targets_table_lists_every_target_and_nothing_else()
    {
        var targets = typeof(BuildContext).Assembly.GetTypes()
            .Where(t => typeof(IFrostingTask).IsAssignableFrom(t) && !t.IsAbstract)
            .Select(t => t.GetCustomAttribute<TaskNameAttribute>()?.Name ?? t.Name)
            .Order();

        Assert.Equal(targets, Table("Targets").Select(row => row[0].Trim('`')).Order());
    }

    [Fact]
    public void The_arguments_table_lists_every_argument_with_its_default()
    {
        var rows = Table("Arguments");

        Assert.Equal(Arguments.All.Select(a => a.Usage), rows.Select(row => row[0].Trim('`')));
        foreach (var (argument, row) in Arguments.All.Zip(rows))
        {
            Assert.True(row[1].Replace("`", "") == argument.Default, $"{argument.Usage}: the README says {row[1]}, the build {argument.Default}");
        }
    }

    [Fact]
    public void The_environment_table_names_every_variable_the_build_reads()
    {
        var documented = Table("Environment variables").SelectMany(row => EnvironmentName().Matches(row[0]).Select(m => m.Value)).ToHashSet();
        var read = VariablesReadByTheBuild();

        Assert.Contains("TF_BUILD", read.Keys); // the scan finds what it must: a name read by the colour decision,
        Assert.Contains("TMPDIR", read.Keys);   // one read by a start-up check,
        Assert.Contains("HOME", read.Keys);     // one read through HostEnvironment.
        var missing = read.Where(v => !documented.Contains(v.Key)).Select(v => $"{v.Key} (read in {string.Join(", ", v.Value)})").ToList();
        Assert.True(missing.Count == 0, "The README's environment table does not list: " + string.Join("; ", missing));
    }

    /// <summary>
    /// The environment variables the code under build/ reads, found in its source: every name in
    /// <see cref="EnvironmentVariableNames"/> that the code uses, and every upper-case string literal in a file that reads the
    /// environment (calls <c>GetEnvironmentVariable</c> or takes a <c>Func&lt;string, string?&gt;</c> reader, as the colour
    /// decision does). Names to files.
    /// </summary>
    private static Dictionary<string, SortedSet<string>> VariablesReadByTheBuild()
    {
        var constants = typeof(EnvironmentVariableNames).GetFields().ToDictionary(f => f.Name, f => (string)f.GetValue(null)!);
        var root = Path.Combine(BuildProcess.RepositoryRoot, "build");
        var read = new Dictionary<string, SortedSet<string>>();
        void Add(string name, string file) => (read.TryGetValue(name, out var files) ? files : read[name] = []).Add(file);
        foreach (var file in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
                     .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj")))
        {
            var source = File.ReadAllText(file);
            var relative = Path.GetRelativePath(BuildProcess.RepositoryRoot, file);
            if (Path.GetFileName(file) != "EnvironmentVariableNames.cs")
            {
                foreach (Match use in ConstantUse().Matches(source))
                {
                    Add(constants[use.Groups["name"].Value], relative);
                }
            }

            if (source.Contains("GetEnvironmentVariable", StringComparison.Ordinal) || source.Contains("Func<string, string?>", StringComparison.Ordinal))
            {
                foreach (Match literal in UpperCaseLiteral().Matches(source))
                {
                    Add(literal.Groups["name"].Value, relative);
                }
            }
        }

        return read;
    }

    [GeneratedRegex(@"\bEnvironmentVariableNames\.(?<name>\w+)")]
    private static partial Regex ConstantUse();

    [GeneratedRegex("\"(?<name>[A-Z][A-Z0-9]*(_[A-Z0-9]+)*)\"")]
    private static partial Regex UpperCaseLiteral();

    [GeneratedRegex("[A-Z][A-Z0-9]*(_[A-Z0-9]+)*")]
    private static partial Regex EnvironmentName();

    [Fact]
    public void The_first_screen_gives_the_two_set_up_commands()
    {
        var firstScreen = string.Join("\n", Readme.Split('\n').Take(20));

        Assert.Contains("./build.sh --target=Redeploy", firstScreen);
        Assert.Contains("./build.sh --target=Test", firstScreen);
    }

    [Fact]
    public void Ci_runs_the_readmes_test_command()
    {
        var ci = File.ReadAllText(Path.Combine(BuildProcess.RepositoryRoot, ".ci", "run"));

        Assert.Matches(TestCommandAtTheEnd(), ci);
    }

    [GeneratedRegex(@"\n\./build\.sh --target=Test\s*$")]
    private static partial Regex TestCommandAtTheEnd();
}
