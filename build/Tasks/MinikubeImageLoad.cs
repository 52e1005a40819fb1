using Cake.Frosting;

namespace Build.Tasks;

[TaskName("MinikubeImageLoad")]
[IsDependentOn(typeof(DockerBuild))]
[TaskDescription("Loads the built images into the minikube profile, skipping the ones it already has.")]
public sealed class MinikubeImageLoad : FrostingTask<BuildContext>
{
}
