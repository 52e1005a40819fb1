using Cake.Frosting;

namespace Build.Tasks;

[TaskName("Rollout")]
[IsDependentOn(typeof(MinikubeImageLoad))]
[TaskDescription("Points each deployment at its new image and waits for all rollouts.")]
public sealed class Rollout : FrostingTask<BuildContext>
{
}
