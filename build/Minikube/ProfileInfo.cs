using System.Text.Json;

namespace Build.Minikube;

/// <summary>What <c>minikube profile list -o json</c> says about one profile that decides how images can reach it.</summary>
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

                var runtime = config.TryGetProperty("KubernetesConfig", out var kubernetes) && kubernetes.TryGetProperty("ContainerRuntime", out var r) ? r.GetString() : null;
                var nodes = config.TryGetProperty("Nodes", out var list) && list.ValueKind == JsonValueKind.Array ? list.GetArrayLength() : 1;
                var driver = config.TryGetProperty("Driver", out var d) ? d.GetString() : null;
                return new ProfileInfo(name, driver ?? "", string.IsNullOrEmpty(runtime) ? "docker" : runtime, Math.Max(nodes, 1));
            }

            return null;
        }
        catch (JsonException exception)
        {
            throw new FormatException($"minikube profile list printed something that is not its JSON ({exception.Message}).", exception);
        }
    }
}
