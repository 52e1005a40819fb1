using System.Text;
using System.Text.Json.Nodes;

namespace ClusterSim.Minikube;

/// <summary>`minikube profile list [-o json]` and `minikube profile [NAME]`.</summary>
internal static class ProfileCommand
{
    public static readonly Flag[] ListFlags = [new("output", 'o', Default: "table"), new("light", 'l', IsBool: true)];

    public static async Task<int> ListAsync(CliContext context)
    {
        var output = (context.Line.Get("output") ?? "table").ToLowerInvariant();
        if (output is not ("json" or "table"))
        {
            return context.Exit("MK_USAGE", MinikubeCli.ExUsage, $"invalid output format: {context.Line.Get("output")}. Valid values: 'table', 'json'");
        }

        var valid = new List<JsonObject>();
        var invalid = new List<JsonObject>();
        var (currentContext, _) = Kubeconfig.Read(Kubeconfig.DefaultPath());
        foreach (var name in context.Home.ProfileNames())
        {
            var config = context.Home.LoadConfig(name);
            var profile = new JsonObject
            {
                ["Name"] = name,
                ["Status"] = "",
                ["Config"] = config,
                ["Active"] = name == context.Profile,
                ["ActiveKubeContext"] = name == currentContext,
            };
            if (config is null)
            {
                invalid.Add(profile);
                continue;
            }

            profile["Status"] = context.Line.IsTrue("light") ? "Skipped"
                : (await StatusCommand.GetAsync(context.Home, name)).Host == "Running" ? "OK" : "Stopped";
            valid.Add(profile);
        }

        if (output == "json")
        {
            context.Out.Write(Json.Serialize(new JsonObject
            {
                ["invalid"] = invalid.Select(p => (JsonNode?)p).ToJsonArray(),
                ["valid"] = valid.Select(p => (JsonNode?)p).ToJsonArray(),
            }));
            return 0;
        }

        if (valid.Count == 0)
        {
            context.Error.WriteLine();
            context.Error.WriteLine("* Exiting due to MK_USAGE_NO_PROFILE: No minikube profile was found.");
            context.Error.WriteLine("* Suggestion: You can create one using 'minikube start'.");
            context.Error.WriteLine();
            return MinikubeCli.ExUsage;
        }

        string[] header = ["Profile", "VM Driver", "Runtime", "IP", "Port", "Version", "Status", "Nodes", "Active Profile", "Active Kubecontext"];
        var rows = valid.Select(p =>
        {
            var config = p.Obj("Config");
            var node = config.Arr("Nodes").Objects().FirstOrDefault();
            return new[]
            {
                p.Str("Name") ?? "", config.Str("Driver") ?? "", config.Str("KubernetesConfig", "ContainerRuntime") ?? "",
                node.Str("IP") ?? "", (node.Long("Port") ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture),
                config.Str("KubernetesConfig", "KubernetesVersion") ?? "", p.Str("Status") ?? "",
                (config.Arr("Nodes")?.Count ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture),
                p.Bool("Active") == true ? "*" : "", p.Bool("ActiveKubeContext") == true ? "*" : "",
            };
        }).ToList();
        context.Out.Write(RenderTable(header, rows));
        for (var i = 0; i < invalid.Count; i++)
        {
            if (i == 0)
            {
                context.Error.WriteLine($"! Found {invalid.Count} invalid profile(s) ! ");
            }

            context.Error.WriteLine($"\t {invalid[i].Str("Name")}");
        }

        return 0;
    }

    /// <summary>`minikube profile` prints the active profile; `minikube profile NAME` makes NAME the active one.</summary>
    public static int Select(CliContext context, IReadOnlyList<string> args)
    {
        if (args.Count == 0)
        {
            context.Out.WriteLine(context.Profile);
            return 0;
        }

        if (context.Home.LoadConfig(args[0]) is null)
        {
            context.Error.WriteLine($"X profile \"{args[0]}\" not found");
            return MinikubeCli.ExGuestNotFound;
        }

        context.Home.SaveActiveProfile(args[0]);
        context.Out.WriteLine($"* minikube profile was successfully set to {args[0]}");
        return 0;
    }

    /// <summary>A bordered table in the style of olekukonko/tablewriter.</summary>
    internal static string RenderTable(IReadOnlyList<string> header, IReadOnlyList<string[]> rows)
    {
        var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        var rule = "|" + string.Join("|", widths.Select(w => new string('-', w + 2))) + "|\n";
        var text = new StringBuilder(rule);
        text.Append("| ").Append(string.Join(" | ", header.Select((h, i) => h.PadRight(widths[i])))).Append(" |\n").Append(rule);
        foreach (var row in rows)
        {
            text.Append("| ").Append(string.Join(" | ", row.Select((c, i) => c.PadRight(widths[i])))).Append(" |\n");
        }

        return text.Append(rule).ToString();
    }
}
