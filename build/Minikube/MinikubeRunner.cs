using Build.Tools;
using Cake.Core;

namespace Build.Minikube;

/// <summary>The minikube CLI; every command runs with <c>-p PROFILE</c>.</summary>
public sealed class MinikubeRunner(ICakeContext context) : CliTool<MinikubeSettings>(context)
{
    protected override string ExecutableName => "minikube";

    public ToolResult Run(MinikubeSettings settings, IEnumerable<string> arguments, ToolRun? run = null) =>
        Execute(settings, ["-p", settings.Profile, .. arguments], run);
}
