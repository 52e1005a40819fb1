using Cake.Frosting;

namespace Build.Tasks;

[TaskName(nameof(Deploy))]
[IsDependentOn(typeof(ApplyManifests))]
[IsDependentOn(typeof(PruneImages))]
[TaskDescription("First deployment: CredsFallback -> ClusterLock -> Preflight -> ImageDelivery -> DockerBuild -> MinikubeImageLoad -> ApplyManifests -> Rollout -> PruneImages. Running it again with nothing changed changes nothing.")]
public sealed class Deploy : FrostingTask<BuildContext>
{
}
