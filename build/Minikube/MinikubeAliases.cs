using Build.Tools;
using Cake.Core;

namespace Build.Minikube;

/// <summary>
/// minikube aliases (no Cake addin exists for minikube; named in the style of Cake.Docker's). The settings carry
/// the profile, the environment and the deadline of each call.
/// </summary>
public static class MinikubeAliases
{
    public static MinikubeStatus MinikubeStatus(this ICakeContext context, MinikubeSettings settings) =>
        Minikube.MinikubeStatus.From(new MinikubeRunner(context).Run(settings, ["status", "--output", "json"], new ToolRun { AllowFailure = true }));

    public static NodeImages MinikubeImageList(this ICakeContext context, MinikubeSettings settings) =>
        new(NodeImage.ParseList(new MinikubeRunner(context).Run(settings, ["image", "ls", "--format", "json"]).OutputText));

    /// <summary><c>minikube image load --daemon</c>: takes the images from the local Docker daemon, never from a registry.</summary>
    public static ToolResult MinikubeImageLoad(this ICakeContext context, MinikubeSettings settings, IEnumerable<string> images) =>
        new MinikubeRunner(context).Run(settings, ["image", "load", "--daemon", .. images]);

    public static string MinikubeVersion(this ICakeContext context, MinikubeSettings settings) =>
        new MinikubeRunner(context).Run(settings, ["version", "--short"]).OutputText.Trim();
}
