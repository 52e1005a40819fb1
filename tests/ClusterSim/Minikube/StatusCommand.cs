using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ClusterSim.Minikube;

/// <summary>
/// `minikube status`: host, kubelet, apiserver and kubeconfig of the profile; the exit code has a bit per
/// problem (1 host, 2 cluster, 4 kubeconfig: 7 when stopped); 85 when the profile does not exist.
/// </summary>
internal static partial class StatusCommand
{
    public const string DefaultFormat = "{{.Name}}\ntype: Control Plane\nhost: {{.Host}}\nkubelet: {{.Kubelet}}\napiserver: {{.APIServer}}\nkubeconfig: {{.Kubeconfig}}\n\n";

    public static readonly Flag[] Flags =
    [
        new("output", 'o', Default: "text"),
        new("format", 'f', Default: DefaultFormat),
        new("layout", 'l', Default: "nodes"),
        new("node", 'n'),
        new("watch", 'w'),
    ];

    public sealed record Status(string Name, string Host, string Kubelet, string APIServer, string Kubeconfig);

    public static async Task<int> RunAsync(CliContext context)
    {
        var output = (context.Line.Get("output") ?? "text").ToLowerInvariant();
        if (output != "text" && context.Line.Get("format") != DefaultFormat)
        {
            return context.Exit("MK_USAGE", MinikubeCli.ExUsage, "Cannot use both --output and --format options");
        }

        if (context.Home.LoadConfig(context.Profile) is null)
        {
            return ProfileNotFound(context);
        }

        var status = await GetAsync(context.Home, context.Profile);
        switch (output)
        {
            case "text":
                context.Out.Write(Render(context.Line.Get("format") ?? DefaultFormat, status));
                if (status.Kubeconfig == "Misconfigured")
                {
                    context.Out.Write("\nWARNING: Your kubectl is pointing to stale minikube-vm.\nTo fix the kubectl context, run `minikube update-context`\n");
                }

                break;
            case "json":
                context.Out.Write(Json.Serialize(new JsonObject
                {
                    ["Name"] = status.Name,
                    ["Host"] = status.Host,
                    ["Kubelet"] = status.Kubelet,
                    ["APIServer"] = status.APIServer,
                    ["Kubeconfig"] = status.Kubeconfig,
                    ["Worker"] = false,
                }));
                break;
            default:
                return context.Exit("MK_USAGE", MinikubeCli.ExUsage, $"invalid output format: {output}. Valid values: 'text', 'json'");
        }

        return ExitCode(status);
    }

    /// <summary>mustload.Partial's answer for a profile that does not exist (on stdout, exit 85).</summary>
    public static int ProfileNotFound(CliContext context)
    {
        context.Out.WriteLine($"* Profile \"{context.Profile}\" not found. Run \"minikube profile list\" to view all profiles.");
        var start = context.Profile == "minikube" ? "minikube start" : $"minikube start -p {context.Profile}";
        context.Out.WriteLine($"  To start a cluster, run: \"{start}\"");
        return MinikubeCli.ExGuestNotFound;
    }

    public static async Task<Status> GetAsync(MinikubeHome home, string profile)
    {
        var (client, state) = await NodeClient.ConnectAsync(home, profile);
        client?.Dispose();
        if (state?.Str("host") != "Running")
        {
            return new Status(profile, "Stopped", "Stopped", "Stopped", "Stopped");
        }

        var server = state.Str("apiServerUrl") ?? "";
        var (_, servers) = Kubeconfig.Read(Kubeconfig.DefaultPath());
        var configured = servers.TryGetValue(profile, out var configuredServer) && configuredServer.TrimEnd('/') == server.TrimEnd('/');
        return new Status(profile, "Running", "Running", state.Str("apiServer") ?? "Running", configured ? "Configured" : "Misconfigured");
    }

    private static int ExitCode(Status status)
    {
        var code = 0;
        if (status.Host != "Running")
        {
            code |= 1;
        }

        if (status.APIServer != "Running" || status.Kubelet != "Running")
        {
            code |= 2;
        }

        if (status.Kubeconfig != "Configured")
        {
            code |= 4;
        }

        return code;
    }

    /// <summary>The {{.Field}} subset of the Go template --format takes.</summary>
    private static string Render(string template, Status status) =>
        FieldPattern().Replace(template.Replace("\\n", "\n").Replace("\\t", "\t"), m => m.Groups[1].Value switch
        {
            "Name" => status.Name,
            "Host" => status.Host,
            "Kubelet" => status.Kubelet,
            "APIServer" => status.APIServer,
            "Kubeconfig" => status.Kubeconfig,
            "Worker" => "false",
            _ => "<no value>",
        });

    [GeneratedRegex(@"\{\{\s*\.(\w+)\s*\}\}")]
    private static partial Regex FieldPattern();
}
