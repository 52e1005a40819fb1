using System.Text;
using System.Text.Json.Nodes;

namespace ClusterSim.Minikube;

/// <summary>
/// `minikube docker-env` as v1.38.1 runs it for the docker driver (cmd/minikube/cmd/docker-env.go,
/// pkg/minikube/shell/shell.go): the variables that point a docker CLI at the node's dockerd
/// (DOCKER_TLS_VERIFY, DOCKER_HOST=tcp://127.0.0.1:PORT, DOCKER_CERT_PATH=$MINIKUBE_HOME/certs, the user's own
/// DOCKER_* as MINIKUBE_EXISTING_*, MINIKUBE_ACTIVE_DOCKERD) in the syntax of --shell (bash when $SHELL says nothing
/// known; `none` prints K=V lines, and with -o text|json|yaml the bare map), then the usage hint.
/// Refusals, in the real order: a missing profile (85) or a stopped one (83); the none driver (51); a multi-node
/// profile (81); a runtime other than docker or containerd (14, MK_USAGE). When stdout is not a terminal the
/// real command prints nothing on stdout but, when it fails, "false exit code N" (so `eval $(...)` fails).
/// The containerd runtime is allowed since v1.31: the real one then starts nerdctld and an ssh-agent and prints an
/// ssh:// DOCKER_HOST; the simulation prints that form (no agent, nothing listens on the port). A profile whose node
/// runtime is simulated in-process has no dockerd: that fails where the real one looks up the daemon's port (50).
/// </summary>
internal static class DockerEnvCommand
{
    public static readonly Flag[] Flags =
    [
        new("shell", Default: ""), new("output", 'o', Default: ""), new("unset", 'u', IsBool: true), new("no-proxy", IsBool: true),
        new("ssh-host", IsBool: true), new("ssh-add", IsBool: true),
    ];

    private const int ExDriverConflict = 51;
    private const int ExDriverError = 50;
    private const int ExGuestConflict = 81;
    private const int ExGuestNotRunning = 83;
    private const int ExProgramError = 10;
    private const int ExProgramUnsupported = 16;

    private static readonly string[] DaemonVariables = ["DOCKER_HOST", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH"];

    /// <summary>One shell's syntax (shellConfigMap in pkg/minikube/shell).</summary>
    private sealed record Shell(string Prefix, string Suffix, string Delimiter, string UnsetPrefix, string UnsetSuffix, string UnsetDelimiter, Func<string, string, string> UsageHint);

    private static readonly Dictionary<string, Shell> Shells = new()
    {
        ["fish"] = new("set -gx ", "\";\n", " \"", "set -e ", ";\n", "", (plz, cmd) => $"\n# {plz}\n# {cmd} | source\n"),
        ["powershell"] = new("$Env:", "\"\n", " = \"", "Remove-Item Env:\\\\", "\n", "", (plz, cmd) => $"# {plz}\n# & {cmd} --shell powershell | Invoke-Expression\n"),
        ["cmd"] = new("SET ", "\n", "=", "SET ", "\n", "=", (plz, cmd) => $"REM {plz}\nREM @FOR /f \"tokens=*\" %i IN ('{cmd} --shell cmd') DO @%i\n"),
        ["emacs"] = new("(setenv \"", "\")\n", "\" \"", "(setenv \"", ")\n", "\" nil", (plz, cmd) => $";; {plz}\n;; (with-temp-buffer (shell-command \"{cmd}\" (current-buffer)) (eval-buffer))\n"),
        ["bash"] = new("export ", "\"\n", "=\"", "unset ", ";\n", "", (plz, cmd) => $"\n# {plz}\n# eval $({cmd})\n"),
        ["tcsh"] = new("setenv ", "\";\n", " \"", "unsetenv ", ";\n", "", (plz, cmd) => $"\n: \"{plz}\"\n: eval `{cmd}`\n"),
        ["none"] = new("", "\n", "=", "", "\n", "", (_, _) => ""),
    };

    public static async Task<int> RunAsync(CliContext context)
    {
        var shellName = context.Line.Get("shell") is { Length: > 0 } forced ? forced : DetectShell();
        var shell = Shells.GetValueOrDefault(shellName) ?? Shells["bash"];
        var output = context.Line.Get("output") ?? "";
        if (context.Line.IsTrue("unset"))
        {
            return Unset(context, shellName, shell, output);
        }

        // Not a terminal: out.SetSilent(true) and exit.SetShell(true).
        var shellMode = !context.Terminal;
        int Fail(int code)
        {
            if (shellMode)
            {
                context.Out.WriteLine($"false exit code {code}");
            }

            return code;
        }

        void Say(string line)
        {
            if (!shellMode)
            {
                context.Out.WriteLine(line);
            }
        }

        var config = context.Home.LoadConfig(context.Profile);
        if (config is null)
        {
            Say($"* Profile \"{context.Profile}\" not found. Run \"minikube profile list\" to view all profiles.");
            Say($"  To start a cluster, run: \"{StartCommand(context.Profile)}\"");
            return Fail(MinikubeCli.ExGuestNotFound);
        }

        var (client, state) = await NodeClient.ConnectAsync(context.Home, context.Profile);
        client?.Dispose();
        if (state?.Str("host") != "Running")
        {
            Say($"* The control-plane node {context.Profile} host is not running: state=Stopped");
            Say($"  To start a cluster, run: \"{StartCommand(context.Profile)}\"");
            return Fail(ExGuestNotRunning);
        }

        var driver = config.Str("Driver") ?? "docker";
        if (driver == "none")
        {
            return Fail(context.Exit("ENV_DRIVER_CONFLICT", ExDriverConflict, "'none' driver does not support 'minikube docker-env' command"));
        }

        if ((config.Arr("Nodes")?.Count ?? 1) > 1)
        {
            return Fail(context.Exit("ENV_MULTINODE_CONFLICT", ExGuestConflict,
                "The docker-env command is incompatible with multi-node clusters. Use the 'registry' add-on: https://minikube.sigs.k8s.io/docs/handbook/registry/"));
        }

        var runtime = config.Str("KubernetesConfig", "ContainerRuntime") ?? "docker";
        if (runtime is not ("docker" or "containerd"))
        {
            return Fail(context.Exit("MK_USAGE", MinikubeCli.ExUsage, "the docker-env command only supports the docker and containerd runtimes"));
        }

        if (runtime == "containerd" && driver != "docker")
        {
            return Fail(context.Exit("MK_USAGE", MinikubeCli.ExUsage, "the docker-env command only supports the containerd runtime with the docker driver"));
        }

        var ssh = context.Line.IsTrue("ssh-host");
        if (runtime == "containerd")
        {
            context.Error.WriteLine("! Using the docker-env command with the containerd runtime is a highly experimental feature, please provide feedback or contribute to make it better");
            ssh = true;
        }
        else if (context.Line.IsTrue("ssh-add"))
        {
            return Fail(context.Exit("MK_CLUSTERSIM_UNSUPPORTED", ExProgramUnsupported, "clustersim does not simulate --ssh-add (the node has no SSH server)"));
        }

        var dockerHost = state.Str("dockerHost");
        if (runtime == "docker" && dockerHost is null)
        {
            return Fail(context.Exit("DRV_PORT_FORWARD", ExDriverError,
                $"Error getting port binding for 'docker driver: clustersim: the node of profile \"{context.Profile}\" keeps its images in the simulation's process and runs no dockerd; start it with NodeRuntime.DockerDaemon (serve --node-runtime docker)"));
        }

        var variables = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (ssh)
        {
            variables["DOCKER_HOST"] = $"ssh://docker@127.0.0.1:{state.Long("sshPort") ?? 22}";
        }
        else
        {
            variables["DOCKER_TLS_VERIFY"] = "1";
            variables["DOCKER_HOST"] = dockerHost!;
            variables["DOCKER_CERT_PATH"] = Path.Combine(context.Home.Path, "certs");
        }

        variables["MINIKUBE_ACTIVE_DOCKERD"] = context.Profile;
        variables["SSH_AUTH_SOCK"] = "";
        variables["SSH_AGENT_PID"] = "";
        var existing = new Dictionary<string, string>();
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("MINIKUBE_ACTIVE_DOCKERD")))
        {
            foreach (var name in DaemonVariables)
            {
                if (Environment.GetEnvironmentVariable(name) is { Length: > 0 } value)
                {
                    existing["MINIKUBE_EXISTING_" + name] = value;
                    variables["MINIKUBE_EXISTING_" + name] = value;
                }
            }
        }

        if (shellName == "none" && output.Length > 0)
        {
            var code = WriteMap(context, output, variables);
            return code == 0 ? 0 : Fail(code);
        }

        var text = new StringBuilder();
        void Line(string name, string value) => text.Append(shell.Prefix).Append(name).Append(shell.Delimiter).Append(value).Append(shell.Suffix);
        if (!ssh)
        {
            Line("DOCKER_TLS_VERIFY", variables["DOCKER_TLS_VERIFY"]);
            Line("DOCKER_HOST", variables["DOCKER_HOST"]);
            Line("DOCKER_CERT_PATH", variables["DOCKER_CERT_PATH"]);
            foreach (var name in new[] { "MINIKUBE_EXISTING_DOCKER_TLS_VERIFY", "MINIKUBE_EXISTING_DOCKER_HOST", "MINIKUBE_EXISTING_DOCKER_CERT_PATH" })
            {
                if (existing.TryGetValue(name, out var value))
                {
                    Line(name, value);
                }
            }

            Line("MINIKUBE_ACTIVE_DOCKERD", context.Profile);
            if (context.Line.IsTrue("no-proxy"))
            {
                var (proxyName, proxyValue) = NoProxy();
                proxyValue = proxyValue.Length == 0 ? "127.0.0.1" : proxyValue.Contains("127.0.0.1", StringComparison.Ordinal) ? proxyValue : $"{proxyValue},127.0.0.1";
                Line(proxyName, proxyValue);
            }
        }
        else
        {
            Line("DOCKER_HOST", variables["DOCKER_HOST"]);
            Line("MINIKUBE_ACTIVE_DOCKERD", context.Profile);
        }

        var usage = $"minikube -p {context.Profile} docker-env" + (ssh ? " --ssh-host" : "");
        text.Append(shell.UsageHint("To point your shell to minikube's docker-daemon, run:", usage));
        context.Out.Write(text.ToString());
        return 0;
    }

    /// <summary>`docker-env --unset`: works without a profile; restores the MINIKUBE_EXISTING_* values it saved.</summary>
    private static int Unset(CliContext context, string shellName, Shell shell, string output)
    {
        var names = new List<string> { "DOCKER_TLS_VERIFY", "DOCKER_HOST", "DOCKER_CERT_PATH", "MINIKUBE_ACTIVE_DOCKERD", "SSH_AUTH_SOCK", "SSH_AGENT_PID" };
        if (context.Line.IsTrue("no-proxy"))
        {
            names.Add(NoProxy().Name);
        }

        if (shellName == "none" && output.Length > 0)
        {
            switch (output)
            {
                case "text":
                    context.Out.Write(string.Concat(names.Select(n => n + "\n")));
                    return 0;
                case "json":
                    context.Out.WriteLine(Json.Serialize(names.Select(n => (JsonNode?)n).ToJsonArray()));
                    return 0;
                case "yaml":
                    context.Out.Write(string.Concat(names.Select(n => $"- {n}\n")));
                    return 0;
                default:
                    return context.Exit("MK_OUTPUT_USAGE", ExProgramError, "error: --output must be 'text', 'yaml' or 'json'");
            }
        }

        var unset = new List<string>();
        var set = new List<(string Name, string Value)>();
        var restored = new List<string>();
        foreach (var name in names)
        {
            if (Environment.GetEnvironmentVariable("MINIKUBE_EXISTING_" + name) is { Length: > 0 } value)
            {
                set.Add((name, value));
                restored.Add("MINIKUBE_EXISTING_" + name);
            }
            else
            {
                unset.Add(name);
            }
        }

        var text = new StringBuilder();
        foreach (var name in unset.Concat(restored))
        {
            text.Append(shell.UnsetPrefix).Append(name).Append(shell.UnsetDelimiter).Append(shell.UnsetSuffix);
        }

        foreach (var (name, value) in set)
        {
            text.Append(shell.Prefix).Append(name).Append(shell.Delimiter).Append(value).Append(shell.Suffix);
        }

        context.Out.Write(text.ToString());
        return 0;
    }

    /// <summary>--shell none -o text|json|yaml: the variables as a map (Go's map order is random; sorted here).</summary>
    private static int WriteMap(CliContext context, string output, SortedDictionary<string, string> variables)
    {
        switch (output)
        {
            case "text":
                context.Out.Write(string.Concat(variables.Select(v => $"{v.Key}={v.Value}\n")));
                return 0;
            case "json":
                var map = new JsonObject();
                foreach (var (name, value) in variables)
                {
                    map[name] = value;
                }

                context.Out.WriteLine(Json.Serialize(map));
                return 0;
            case "yaml":
                context.Out.Write(string.Concat(variables.Select(v => $"{v.Key}: {YamlScalar(v.Value)}\n")));
                return 0;
            default:
                return context.Exit("MK_OUTPUT_USAGE", ExProgramError, "error: --output must be 'text', 'yaml' or 'json'");
        }
    }

    private static string YamlScalar(string value) =>
        value.Length == 0 || value.All(char.IsAsciiDigit) || value is "true" or "false" or "null" || value.Contains(": ", StringComparison.Ordinal)
            ? $"\"{value}\""
            : value;

    /// <summary>libmachine's shell.Detect: the base name of $SHELL (bash when unset).</summary>
    private static string DetectShell()
    {
        if (Environment.GetEnvironmentVariable("__fish_bin_dir") is { Length: > 0 })
        {
            return "fish";
        }

        var shell = Environment.GetEnvironmentVariable("SHELL");
        return string.IsNullOrEmpty(shell) ? "bash" : Path.GetFileName(shell);
    }

    private static (string Name, string Value) NoProxy() =>
        Environment.GetEnvironmentVariable("no_proxy") is { Length: > 0 } lower ? ("no_proxy", lower)
        : ("NO_PROXY", Environment.GetEnvironmentVariable("NO_PROXY") ?? "");

    private static string StartCommand(string profile) => profile == "minikube" ? "minikube start" : $"minikube start -p {profile}";
}
