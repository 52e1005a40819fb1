using Cake.Frosting;

namespace Build.Tasks;

[TaskName(nameof(Redeploy))]
[IsDependentOn(typeof(PruneImages))]
[TaskDescription("The main job: CredsFallback -> ClusterLock -> Preflight -> ImageDelivery -> DockerBuild -> MinikubeImageLoad -> Rollout -> PruneImages, for the services that changed.")]
public sealed class Redeploy : FrostingTask<BuildContext>
{
}
