using Build.Infrastructure;
using Cake.Core;
using Cake.Frosting;
using Microsoft.Extensions.DependencyInjection;

namespace Build;

/// <summary>In a GitHub Actions job, each task's output is a collapsible log group.</summary>
public sealed class BuildTaskLifetime : FrostingTaskLifetime<BuildContext>
{
    public override void Setup(BuildContext context, ITaskSetupContext info)
    {
        if (context.GitHub.IsActive)
        {
            WriteLine(context, GitHubActions.StartGroup(info.Task.Name));
        }
    }

    public override void Teardown(BuildContext context, ITaskTeardownContext info)
    {
        if (context.GitHub.IsActive)
        {
            WriteLine(context, GitHubActions.EndGroup);
        }
    }

    /// <summary>Written as is: a workflow command must start its line, without colour codes.</summary>
    private static void WriteLine(BuildContext context, string line) =>
        context.ServiceProvider.GetRequiredService<IConsole>().WriteLine(line);
}
