using Build.Tools;
using Cake.Core;
using Cake.Core.IO;
using Cake.Core.Tooling;

namespace Build.Docker;

/// <summary>The docker CLI.</summary>
public sealed class DockerRunner(ICakeContext context) : CliTool<ToolSettings>(context)
{
    protected override string ExecutableName => "docker";

    public ToolResult Build(DockerImageBuildSettings settings, string path, ToolRun? run = null)
    {
        var arguments = new ProcessArgumentBuilder();
        arguments.Append("build");
        foreach (var tag in settings.Tag)
        {
            arguments.AppendSwitchQuoted("--tag", tag);
        }

        AppendIfSet(arguments, "--file", settings.File);
        foreach (var buildArg in settings.BuildArg)
        {
            arguments.AppendSwitchQuoted("--build-arg", buildArg);
        }

        foreach (var label in settings.Label)
        {
            arguments.AppendSwitchQuoted("--label", label);
        }

        AppendIfSet(arguments, "--iidfile", settings.Iidfile);
        AppendIfTrue(arguments, "--pull", settings.Pull);
        AppendIfTrue(arguments, "--no-cache", settings.NoCache);
        AppendIfTrue(arguments, "--quiet", settings.Quiet);
        arguments.AppendQuoted(path);
        return Execute(settings, arguments, run);
    }

    /// <summary>Any other docker command, e.g. <c>image inspect</c> or <c>tag</c>.</summary>
    public ToolResult Command(ToolSettings settings, IEnumerable<string> arguments, ToolRun? run = null) =>
        Execute(settings, arguments, run);

    private static void AppendIfSet(ProcessArgumentBuilder arguments, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            arguments.AppendSwitchQuoted(name, value);
        }
    }

    private static void AppendIfTrue(ProcessArgumentBuilder arguments, string name, bool value)
    {
        if (value)
        {
            arguments.Append(name);
        }
    }
}
