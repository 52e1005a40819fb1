using System.Collections.Concurrent;

namespace ClusterSim.Controllers;

/// <summary>What happened to one deployment since the cluster started.</summary>
/// <param name="Rollouts">ReplicaSets the deployment controller created or made current again (a rollback).</param>
/// <param name="PodsCreated">Pods its ReplicaSets created.</param>
/// <param name="ContainerRestarts">Container restarts (crashes) in its pods.</param>
public sealed record DeploymentActivity(int Rollouts, int PodsCreated, int ContainerRestarts);

/// <summary>Counters the controllers keep per deployment ("namespace/name"), for tests to read.</summary>
internal sealed class ClusterActivity
{
    private readonly ConcurrentDictionary<string, DeploymentActivity> byDeployment = new();

    public void Rollout(string ns, string deployment) => Bump(ns, deployment, a => a with { Rollouts = a.Rollouts + 1 });

    public void PodCreated(string ns, string deployment) => Bump(ns, deployment, a => a with { PodsCreated = a.PodsCreated + 1 });

    public void ContainerRestarted(string ns, string deployment) => Bump(ns, deployment, a => a with { ContainerRestarts = a.ContainerRestarts + 1 });

    public DeploymentActivity For(string ns, string deployment) => byDeployment.GetValueOrDefault($"{ns}/{deployment}", new DeploymentActivity(0, 0, 0));

    private void Bump(string ns, string deployment, Func<DeploymentActivity, DeploymentActivity> change) =>
        byDeployment.AddOrUpdate($"{ns}/{deployment}", _ => change(new DeploymentActivity(0, 0, 0)), (_, a) => change(a));
}
