using Build.Infrastructure;
using Build.Tests.Infrastructure;
using Cake.Frosting;
using System.Reflection;
using Xunit;

namespace Build.Tests.Documentation;

/// <summary>./build.sh with no arguments is safe and says what the build can do.</summary>
public sealed class DefaultTargetTests
{
    [Fact]
    public async Task Lists_every_target_with_its_description_and_every_argument_with_its_default()
    {
        var run = await BuildProcess.RunAsync([]);

        Assert.True(run.ExitCode == 0, run.ToString());
        foreach (var task in typeof(BuildContext).Assembly.GetTypes().Where(t => typeof(IFrostingTask).IsAssignableFrom(t) && t.Name != "Default"))
        {
            var name = task.GetCustomAttribute<TaskNameAttribute>()!.Name;
            Assert.Matches($@"\n  {name}\s+{System.Text.RegularExpressions.Regex.Escape(task.GetCustomAttribute<TaskDescriptionAttribute>()!.Description)}", run.StandardOutput);
        }

        foreach (var argument in Arguments.All)
        {
            Assert.Matches($@"\n  {argument.Usage}\s+{System.Text.RegularExpressions.Regex.Escape(argument.Default)}\s", run.StandardOutput);
        }
    }
}
