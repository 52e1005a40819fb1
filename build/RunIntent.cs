using Build.Tasks;

namespace Build;

/// <summary>
/// What a run is about, from the tasks it executes and what they declare (<see cref="TaskFacts"/>); made once in
/// Setup. Tasks ask it what the run does, instead of looking for each other in the task list.
/// </summary>
public sealed record RunIntent(string Target, IReadOnlyList<string> Tasks)
{
    /// <summary>Before Setup (and for tests): a run of nothing.</summary>
    public static RunIntent None { get; } = new("Default", []);

    /// <summary>What a run of <paramref name="target"/> would be about (Doctor asks what Redeploy would do).</summary>
    public static RunIntent Of(string target) => new(target, TaskFacts.Closure(target));

    private IEnumerable<TaskFacts> Facts => Tasks.Select(TaskFacts.Of);

    /// <summary>Some task reads the services file: it is checked in Setup.</summary>
    public bool UsesServicesFile => Facts.Any(f => f.UsesServicesFile);

    /// <summary>Some task changes the cluster: the kube context must be the minikube profile's, or allowed.</summary>
    public bool ChangesCluster => Facts.Any(f => f.ChangesCluster);

    /// <summary>The run gets built images to the cluster (MinikubeImageLoad: load, check, or nothing after a push).</summary>
    public bool DeliversImages => Runs(nameof(MinikubeImageLoad));

    /// <summary>The run prunes images (PruneImages after a rollout, or Prune): it reaches the places images are delivered to.</summary>
    public bool PrunesImages => Runs(nameof(PruneImages)) || Runs(nameof(Prune));

    /// <summary>The run applies the manifests (Deploy): the deployments may not exist before it.</summary>
    public bool AppliesManifests => Runs(nameof(ApplyManifests));

    /// <summary>The run rolls deployments out.</summary>
    public bool RollsOut => Runs(nameof(Rollout));

    /// <summary>Preflight reads every deployment for Rollout, and they must exist (after ApplyManifests, Rollout reads them again instead).</summary>
    public bool ReadsDeploymentsFirst => RollsOut && !AppliesManifests;

    /// <summary>
    /// Preflight reads the deployments there are: for Rollout, and for the delivery, since an image a deployment
    /// already runs is on the node and needs no minikube process (a Deploy reads them too, before it applies).
    /// </summary>
    public bool ReadsDeployments => ChangesCluster && (RollsOut || DeliversImages);

    private bool Runs(string task) => Tasks.Contains(task, StringComparer.Ordinal);
}
