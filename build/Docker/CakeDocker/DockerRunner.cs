using Build.Tools;
using Cake.Core;

namespace Cake.Docker;

/// <summary>The docker CLI for one command's settings (<c>docker</c> on PATH, or the settings' ToolPath).</summary>
public sealed class DockerRunner<TSettings>(ICakeContext context) : CliTool<TSettings>(context)
    where TSettings : AutoToolSettings
{
    protected override string ExecutableName => "docker";

    /// <summary>
    /// Runs <c>docker COMMAND FLAGS ARGUMENTS</c>. A failure throws <see cref="CakeException"/> (as Cake.Docker
    /// does) whose message quotes docker's last lines; the deadline is the settings' ToolTimeout.
    /// </summary>
    public ToolResult Run(string command, TSettings settings, IEnumerable<string> arguments, bool allowFailure = false)
    {
        var result = Execute(settings, DockerArguments.For(command, settings, arguments), new ToolRun { AllowFailure = true });
        return result.Succeeded || allowFailure || settings.HandleExitCode?.Invoke(result.ExitCode) == true
            ? result
            : throw new CakeException(result.ExitCode, ToolFailedException.Describe(result, 8));
    }
}
