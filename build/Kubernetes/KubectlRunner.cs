using System.Globalization;
using Build.Tools;
using Cake.Core;

namespace Build.Kubernetes;

/// <summary>The kubectl CLI; every command gets <c>--context</c>, <c>--namespace</c> and <c>--request-timeout</c>.</summary>
public sealed class KubectlRunner(ICakeContext context) : CliTool<KubectlSettings>(context)
{
    protected override string ExecutableName => "kubectl";

    public ToolResult Run(KubectlSettings settings, IEnumerable<string> arguments, ToolRun? run = null) =>
        Execute(settings, WithCommonFlags(settings, arguments), run);

    /// <summary>Starts a command that runs until stopped (a watch); dispose the result to stop it.</summary>
    public RunningTool Start(KubectlSettings settings, IEnumerable<string> arguments, ToolRun run) =>
        Start(settings, WithCommonFlags(settings, arguments).ToProcessArgumentsQuoted(), run);

    public static string Seconds(TimeSpan duration) => ((int)Math.Ceiling(duration.TotalSeconds)).ToString(CultureInfo.InvariantCulture) + "s";

    private static IEnumerable<string> WithCommonFlags(KubectlSettings settings, IEnumerable<string> arguments) =>
    [
        $"--context={settings.Context}",
        $"--namespace={settings.Namespace}",
        $"--request-timeout={Seconds(settings.RequestTimeout)}",
        .. settings.Kubeconfig is null ? Array.Empty<string>() : [$"--kubeconfig={settings.Kubeconfig}"],
        .. arguments,
    ];
}
