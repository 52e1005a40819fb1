using Cake.Core;
using Cake.Frosting;

namespace Build;

/// <summary>In a GitHub Actions job, each task's output is a collapsible log group (Cake.Common's GitHubActions commands).</summary>
public sealed class BuildTaskLifetime : FrostingTaskLifetime<BuildContext>
{
    public override void Setup(BuildContext context, ITaskSetupContext info)
    {
        if (context.GitHub.IsRunningOnGitHubActions)
        {
            context.GitHub.Commands.StartGroup(info.Task.Name);
        }
    }

    public override void Teardown(BuildContext context, ITaskTeardownContext info)
    {
        if (context.GitHub.IsRunningOnGitHubActions)
        {
            context.GitHub.Commands.EndGroup();
        }
    }
}
