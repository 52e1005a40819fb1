using System.Globalization;
using System.Text.Json.Nodes;

namespace ClusterSim.Node;

/// <summary>
/// What the node has: a minikube profile's defaults (`--cpus=2 --memory=3900mb --disk-size=20000mb`, the CPUs, Memory
/// and DiskSize its config.json records), reported as a VM driver's kubelet reports them. minikube's kubelet config
/// reserves nothing and sets evictionHard for the node and image filesystems to 0% (pkg/minikube/bootstrapper/bsutil/
/// ktmpl), so allocatable equals capacity. The disk holds the node filesystem and the image filesystem alike.
/// </summary>
internal sealed record NodeCapacity(int Cpus, long MemoryMiB, long DiskMiB, int Pods)
{
    public static readonly NodeCapacity Minikube = new(2, 3900, 20000, 110);

    public long DiskBytes => DiskMiB * 1024 * 1024;

    /// <summary>status.capacity and status.allocatable: cpu, ephemeral-storage and memory in the kubelet's units, hugepages, pods.</summary>
    public JsonObject Quantities() => new()
    {
        ["cpu"] = Cpus.ToString(CultureInfo.InvariantCulture),
        ["ephemeral-storage"] = $"{DiskMiB * 1024}Ki",
        ["hugepages-1Gi"] = "0",
        ["hugepages-2Mi"] = "0",
        ["memory"] = $"{MemoryMiB * 1024}Ki",
        ["pods"] = Pods.ToString(CultureInfo.InvariantCulture),
    };
}
