using Cake.Frosting;

namespace Build.Tasks;

[TaskName(nameof(Redeploy))]
[IsDependentOn(typeof(Rollout))]
[TaskDescription("The main job: CredsFallback -> DockerBuild -> MinikubeImageLoad -> Rollout for the changed services.")]
public sealed class Redeploy : FrostingTask<BuildContext>
{
}
