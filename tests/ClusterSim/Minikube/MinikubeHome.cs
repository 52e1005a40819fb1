using System.Text.Json.Nodes;
using ClusterSim.Node;

namespace ClusterSim.Minikube;

/// <summary>
/// The minikube state directory (localpath.MiniPath): $MINIKUBE_HOME itself when it is named .minikube or has no
/// .minikube inside, else $MINIKUBE_HOME/.minikube; ~/.minikube without the variable. Profiles live in
/// profiles/NAME/config.json as the real one writes them; the simulation adds profiles/NAME/clustersim.json
/// (where the simulated node answers) and a log of every CLI call.
/// </summary>
internal sealed class MinikubeHome(string path)
{
    private static readonly System.Text.Json.JsonSerializerOptions Indented = new() { WriteIndented = true };

    public string Path { get; } = path;

    public static MinikubeHome FromEnvironment()
    {
        var env = Environment.GetEnvironmentVariable("MINIKUBE_HOME");
        if (string.IsNullOrEmpty(env))
        {
            return new MinikubeHome(System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".minikube"));
        }

        var legacy = System.IO.Path.Combine(env, ".minikube");
        return new MinikubeHome(System.IO.Path.GetFileName(env.TrimEnd('/')) != ".minikube" && Directory.Exists(legacy) ? legacy : env);
    }

    public string ProfileDirectory(string profile) => System.IO.Path.Combine(Path, "profiles", profile);

    public string ConfigFile(string profile) => System.IO.Path.Combine(ProfileDirectory(profile), "config.json");

    public string NodeFile(string profile) => System.IO.Path.Combine(ProfileDirectory(profile), "clustersim.json");

    public string CallLog => System.IO.Path.Combine(Path, "clustersim-minikube-calls.jsonl");

    public string ImageCache => System.IO.Path.Combine(Path, "cache", "images", "amd64");

    public string GlobalConfigFile => System.IO.Path.Combine(Path, "config", "config.json");

    /// <summary>The active profile: MINIKUBE_PROFILE, else the one `minikube profile NAME` saved, else "minikube".</summary>
    public string ActiveProfile()
    {
        if (Environment.GetEnvironmentVariable("MINIKUBE_PROFILE") is { Length: > 0 } fromEnv)
        {
            return fromEnv;
        }

        try
        {
            return JsonNode.Parse(File.ReadAllText(GlobalConfigFile)).Str("profile") ?? "minikube";
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException)
        {
            return "minikube";
        }
    }

    public void SaveActiveProfile(string profile)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(GlobalConfigFile)!);
        var config = File.Exists(GlobalConfigFile) ? JsonNode.Parse(File.ReadAllText(GlobalConfigFile)) as JsonObject ?? new JsonObject() : new JsonObject();
        config["profile"] = profile;
        File.WriteAllText(GlobalConfigFile, config.ToJsonString(Indented));
    }

    /// <summary>The profile's ClusterConfig, or null when the profile does not exist (or its config is unreadable).</summary>
    public JsonObject? LoadConfig(string profile)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(ConfigFile(profile))) as JsonObject;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            return null;
        }
    }

    public IEnumerable<string> ProfileNames()
    {
        var root = System.IO.Path.Combine(Path, "profiles");
        return Directory.Exists(root) ? Directory.GetDirectories(root).Select(System.IO.Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal) : [];
    }

    /// <summary>
    /// The ClusterConfig a `minikube start --driver=DRIVER --container-runtime=RUNTIME --nodes=N` writes, every field of
    /// v1.38.1's pkg/minikube/config/types.go in its order, with start's defaults. Extra nodes are named m02, m03, ...
    /// and are workers only.
    /// </summary>
    public static JsonObject NewConfig(string profile, string kubernetesVersion, string containerRuntime = "docker", string driver = "docker", int nodes = 1) => new()
    {
        ["Name"] = profile,
        ["KeepContext"] = false,
        ["EmbedCerts"] = false,
        ["MinikubeISO"] = "",
        ["KicBaseImage"] = "gcr.io/k8s-minikube/kicbase:v0.0.48",
        ["Memory"] = NodeCapacity.Minikube.MemoryMiB,
        ["CPUs"] = NodeCapacity.Minikube.Cpus,
        ["DiskSize"] = NodeCapacity.Minikube.DiskMiB,
        ["Driver"] = driver,
        ["HyperkitVpnKitSock"] = "",
        ["HyperkitVSockPorts"] = new JsonArray(),
        ["DockerEnv"] = null,
        ["ContainerVolumeMounts"] = null,
        ["InsecureRegistry"] = null,
        ["RegistryMirror"] = new JsonArray(),
        ["HostOnlyCIDR"] = "192.168.59.1/24",
        ["HypervVirtualSwitch"] = "",
        ["HypervUseExternalSwitch"] = false,
        ["HypervExternalAdapter"] = "",
        ["KVMNetwork"] = "default",
        ["KVMQemuURI"] = "qemu:///system",
        ["KVMGPU"] = false,
        ["KVMHidden"] = false,
        ["KVMNUMACount"] = 1,
        ["APIServerPort"] = 8443,
        ["DockerOpt"] = null,
        ["DisableDriverMounts"] = false,
        ["NFSShare"] = new JsonArray(),
        ["NFSSharesRoot"] = "/nfsshares",
        ["UUID"] = "",
        ["NoVTXCheck"] = false,
        ["DNSProxy"] = false,
        ["HostDNSResolver"] = true,
        ["HostOnlyNicType"] = "virtio",
        ["NatNicType"] = "virtio",
        ["SSHIPAddress"] = "",
        ["SSHUser"] = "root",
        ["SSHKey"] = "",
        ["SSHPort"] = 22,
        ["KubernetesConfig"] = new JsonObject
        {
            ["KubernetesVersion"] = kubernetesVersion,
            ["ClusterName"] = profile,
            ["Namespace"] = "default",
            ["APIServerHAVIP"] = "",
            ["APIServerName"] = "minikubeCA",
            ["APIServerNames"] = null,
            ["APIServerIPs"] = null,
            ["DNSDomain"] = "cluster.local",
            ["ContainerRuntime"] = containerRuntime,
            ["CRISocket"] = "",
            ["NetworkPlugin"] = "cni",
            ["FeatureGates"] = "",
            ["ServiceCIDR"] = "10.96.0.0/12",
            ["ImageRepository"] = "",
            ["LoadBalancerStartIP"] = "",
            ["LoadBalancerEndIP"] = "",
            ["CustomIngressCert"] = "",
            ["RegistryAliases"] = "",
            ["ExtraOptions"] = null,
            ["ShouldLoadCachedImages"] = true,
            ["EnableDefaultCNI"] = false,
            ["CNI"] = "",
        },
        ["Nodes"] = Enumerable.Range(1, nodes).Select(n => (JsonNode?)new JsonObject
        {
            ["Name"] = n == 1 ? "" : $"m{n:00}",
            ["IP"] = $"192.168.49.{n + 1}",
            ["Port"] = 8443,
            ["KubernetesVersion"] = kubernetesVersion,
            ["ContainerRuntime"] = containerRuntime,
            ["ControlPlane"] = n == 1,
            ["Worker"] = true,
        }).ToJsonArray(),
        ["Addons"] = new JsonObject { ["default-storageclass"] = true, ["storage-provisioner"] = true },
        ["CustomAddonImages"] = null,
        ["CustomAddonRegistries"] = null,
        ["VerifyComponents"] = new JsonObject { ["apiserver"] = true, ["system_pods"] = true },
        ["StartHostTimeout"] = 360000000000,
        ["ScheduledStop"] = null,
        ["ExposedPorts"] = new JsonArray(),
        ["ListenAddress"] = "",
        ["Network"] = "",
        ["Subnet"] = "",
        ["MultiNodeRequested"] = nodes > 1,
        ["ExtraDisks"] = 0,
        ["CertExpiration"] = 94608000000000000,
        ["MountString"] = "",
        ["Mount9PVersion"] = "9p2000.L",
        ["MountGID"] = "docker",
        ["MountIP"] = "",
        ["MountMSize"] = 262144,
        ["MountOptions"] = new JsonArray(),
        ["MountPort"] = 0,
        ["MountType"] = "9p",
        ["MountUID"] = "docker",
        ["BinaryMirror"] = "",
        ["DisableOptimizations"] = false,
        ["DisableMetrics"] = false,
        ["DisableCoreDNSLog"] = false,
        ["CustomQemuFirmwarePath"] = "",
        ["SocketVMnetClientPath"] = "",
        ["SocketVMnetPath"] = "",
        ["StaticIP"] = "",
        ["SSHAuthSock"] = "",
        ["SSHAgentPID"] = 0,
        ["GPUs"] = "",
        ["AutoPauseInterval"] = 60000000000,
        ["Rosetta"] = false,
    };

    /// <summary>Writes the profile's config.json as minikube does (indented).</summary>
    public void SaveConfig(string profile, JsonObject config)
    {
        Directory.CreateDirectory(ProfileDirectory(profile));
        File.WriteAllText(ConfigFile(profile), config.ToJsonString(Indented));
    }
}
