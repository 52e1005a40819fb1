using Build.Tools;
using Cake.Core;
using Cake.Core.IO;

namespace Build.Minikube;

/// <summary>The minikube CLI; every command runs with <c>-p PROFILE</c>.</summary>
public sealed class MinikubeRunner(ICakeContext context) : CliTool<MinikubeSettings>(context)
{
    protected override string ExecutableName => "minikube";

    public ToolResult Run(MinikubeSettings settings, IEnumerable<string> arguments, ToolRun? run = null)
    {
        var builder = new ProcessArgumentBuilder();
        builder.AppendSwitchQuoted("-p", settings.Profile);
        foreach (var argument in arguments)
        {
            builder.AppendQuoted(argument);
        }

        return Execute(settings, builder, run);
    }
}
