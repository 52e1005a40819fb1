using System.Text.Json.Nodes;
using Build.Kubernetes;
using Build.Minikube;

namespace Build;

/// <summary>
/// Reads of the cluster that do not depend on what this run builds — which images the node has, what the
/// deployments run — started by Setup so that they overlap the image builds instead of following them.
/// Not started for a dry run, nor for deployments that ApplyManifests is about to change.
/// </summary>
public sealed class ClusterReads
{
    private readonly Task<NodeImages>? _nodeImages;
    private readonly Dictionary<string, Task<JsonNode?>> _deployments = [];

    private ClusterReads(BuildContext context, IReadOnlyCollection<string> tasks)
    {
        var config = context.Config;
        if (tasks.Contains("MinikubeImageLoad"))
        {
            _nodeImages = Task.Run(() => context.MinikubeImageList(config.MinikubeProfile));
        }

        if (tasks.Contains("Rollout") && !tasks.Contains("ApplyManifests"))
        {
            var kubectl = context.Kubectl();
            foreach (var deployment in config.Services.Select(s => s.Deployment).Distinct())
            {
                _deployments[deployment] = Task.Run(() => context.KubectlGetJson(kubectl, "deployment", deployment));
            }
        }
    }

    public static ClusterReads None { get; } = new();

    private ClusterReads()
    {
    }

    public static ClusterReads Start(BuildContext context, IReadOnlyCollection<string> tasks) => new(context, tasks);

    /// <summary>The node's images as they were before this run loaded any.</summary>
    public NodeImages NodeImagesBeforeLoad(BuildContext context) =>
        _nodeImages?.GetAwaiter().GetResult() ?? context.MinikubeImageList(context.Config.MinikubeProfile);

    /// <summary>The deployment as it is now (null when it does not exist).</summary>
    public JsonNode? Deployment(BuildContext context, KubectlSettings kubectl, string name) =>
        _deployments.TryGetValue(name, out var read) ? read.GetAwaiter().GetResult() : context.KubectlGetJson(kubectl, "deployment", name);
}
