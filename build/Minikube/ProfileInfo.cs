using System.Text.Json;

namespace Build.Minikube;

/// <summary>What decides how images can reach a profile: its driver, container runtime and node count (from its config.json, or <c>minikube profile list -o json</c>).</summary>
public sealed record ProfileInfo(string Name, string Driver, string ContainerRuntime, int Nodes)
{
    /// <summary>
    /// Why <c>minikube docker-env</c> cannot point docker at the node's daemon, or null: it needs the docker runtime
    /// (on containerd v1.38 answers with an experimental ssh endpoint), a single node and a driver that runs a node.
    /// </summary>
    public string? DockerEnvProblem =>
        ContainerRuntime != "docker" ? $"minikube profile {Name} uses the {ContainerRuntime} runtime, not docker"
        : Nodes != 1 ? $"minikube profile {Name} has {Nodes} nodes"
        : Driver == "none" ? $"minikube profile {Name} uses the none driver"
        : null;

    /// <summary>
    /// The settings of a ClusterConfig (a profile's config.json, or its <c>Config</c> in <c>profile list</c>): no
    /// runtime means docker, as minikube's default; a config without nodes has its one.
    /// </summary>
    public static ProfileInfo FromClusterConfig(JsonElement config, string name)
    {
        var runtime = config.TryGetProperty("KubernetesConfig", out var kubernetes) && kubernetes.ValueKind == JsonValueKind.Object &&
            kubernetes.TryGetProperty("ContainerRuntime", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
        var nodes = config.TryGetProperty("Nodes", out var list) && list.ValueKind == JsonValueKind.Array ? list.GetArrayLength() : 1;
        var driver = config.TryGetProperty("Driver", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
        return new ProfileInfo(name, driver ?? "", string.IsNullOrEmpty(runtime) ? "docker" : runtime, Math.Max(nodes, 1));
    }

    /// <summary>The profile named <paramref name="name"/> in the JSON, or null when it is not there.</summary>
    public static ProfileInfo? Parse(string json, string name)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            foreach (var profile in document.RootElement.TryGetProperty("valid", out var valid) && valid.ValueKind == JsonValueKind.Array ? valid.EnumerateArray() : default)
            {
                if (!profile.TryGetProperty("Name", out var profileName) || profileName.GetString() != name || !profile.TryGetProperty("Config", out var config))
                {
                    continue;
                }

                return FromClusterConfig(config, name);
            }

            return null;
        }
        catch (JsonException exception)
        {
            throw new FormatException($"minikube profile list printed something that is not its JSON ({exception.Message}).", exception);
        }
    }
}
