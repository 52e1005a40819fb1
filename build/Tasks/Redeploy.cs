using Cake.Frosting;

namespace Build.Tasks;

[TaskName(nameof(Redeploy))]
[IsDependentOn(typeof(Rollout))]
[TaskDescription("The main job: CredsFallback -> ClusterLock -> Preflight -> ImageDelivery -> DockerBuild -> MinikubeImageLoad -> Rollout, for the services that changed.")]
public sealed class Redeploy : FrostingTask<BuildContext>
{
}
