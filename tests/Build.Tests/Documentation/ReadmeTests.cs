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
        var documented = string.Join(" ", Table("Environment variables").Select(row => row[0]));

        foreach (var variable in typeof(EnvironmentVariableNames).GetFields().Select(f => (string)f.GetValue(null)!))
        {
            Assert.Contains(variable, documented);
        }
    }

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
