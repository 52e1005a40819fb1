using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Frosting;

namespace Build;

/// <summary>Setup prints what the run will do; Teardown cleans up whatever happened, and never throws.</summary>
public sealed class BuildLifetime : FrostingLifetime<BuildContext>
{
    public override void Setup(BuildContext context, ISetupContext info)
    {
        context.Log.Verbose("Target:       {0}", info.TargetTask.Name);
        context.Log.Verbose("Tasks:        {0}", string.Join(" -> ", info.TasksToExecute.Select(t => t.Name)));
        context.Log.Verbose("Working dir:  {0}", context.Environment.WorkingDirectory.FullPath);
    }

    public override void Teardown(BuildContext context, ITeardownContext info)
    {
        RemoveTemporaryDockerConfig(context);
    }

    private static void RemoveTemporaryDockerConfig(BuildContext context)
    {
        if (context.TemporaryDockerConfig is not { } temporary)
        {
            return;
        }

        try
        {
            temporary.Dispose();
            Environment.SetEnvironmentVariable(Infrastructure.EnvironmentVariableNames.DockerConfig, null);
            context.TemporaryDockerConfig = null;
            context.Log.Verbose("CredsFallback: removed {0}", temporary.Path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            context.Log.Warning("CredsFallback: could not remove {0} ({1}); the next run removes it.", temporary.Path, exception.Message);
        }
    }
}
