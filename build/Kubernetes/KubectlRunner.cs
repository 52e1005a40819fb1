using System.Globalization;
using Build.Tools;
using Cake.Core;
using Cake.Core.IO;

namespace Build.Kubernetes;

/// <summary>The kubectl CLI; every command gets <c>--context</c>, <c>--namespace</c> and <c>--request-timeout</c>.</summary>
public sealed class KubectlRunner(ICakeContext context) : CliTool<KubectlSettings>(context)
{
    protected override string ExecutableName => "kubectl";

    public ToolResult Run(KubectlSettings settings, IEnumerable<string> arguments, ToolRun? run = null)
    {
        var builder = new ProcessArgumentBuilder();
        builder.AppendQuoted($"--context={settings.Context}");
        builder.AppendQuoted($"--namespace={settings.Namespace}");
        builder.Append($"--request-timeout={(int)settings.RequestTimeout.TotalSeconds}s");
        if (settings.Kubeconfig is not null)
        {
            builder.AppendQuoted($"--kubeconfig={settings.Kubeconfig}");
        }

        foreach (var argument in arguments)
        {
            builder.AppendQuoted(argument);
        }

        return Execute(settings, builder, run);
    }

    public static string Seconds(TimeSpan duration) => ((int)Math.Ceiling(duration.TotalSeconds)).ToString(CultureInfo.InvariantCulture) + "s";
}
