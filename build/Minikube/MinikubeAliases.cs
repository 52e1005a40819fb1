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

    public static NodeImages MinikubeImageList(this ICakeContext context, MinikubeSettings settings) => new(context.MinikubeImageListAll(settings));

    /// <summary>Every image of the node, as <c>minikube image ls --format json</c> lists them (on docker, one entry per tag).</summary>
    public static IReadOnlyList<NodeImage> MinikubeImageListAll(this ICakeContext context, MinikubeSettings settings) =>
        NodeImage.ParseList(new MinikubeRunner(context).Run(settings, ["image", "ls", "--format", "json"]).OutputText);

    /// <summary>
    /// <c>minikube image rm IMAGE...</c>: <c>docker rmi</c> (or <c>crictl rmi</c>) in the node. It exits 0 even when the
    /// node refused (a warning on standard error), so callers list the node again to know.
    /// </summary>
    public static ToolResult MinikubeImageRemove(this ICakeContext context, MinikubeSettings settings, IEnumerable<string> images) =>
        new MinikubeRunner(context).Run(settings, ["image", "rm", .. images], new ToolRun { AllowFailure = true });

    /// <summary><c>minikube image load --daemon</c>: takes the images from the local Docker daemon, never from a registry.</summary>
    public static ToolResult MinikubeImageLoad(this ICakeContext context, MinikubeSettings settings, IEnumerable<string> images) =>
        new MinikubeRunner(context).Run(settings, ["image", "load", "--daemon", .. images]);

    /// <summary>The profile's driver, container runtime and node count (<c>minikube profile list -o json</c>); null when there is no such profile.</summary>
    public static ProfileInfo? MinikubeProfileInfo(this ICakeContext context, MinikubeSettings settings) =>
        ProfileInfo.Parse(new MinikubeRunner(context).Run(settings, ["profile", "list", "--output", "json"], new ToolRun { AllowFailure = true }).OutputText, settings.Profile);

    /// <summary>The environment that points docker at the node's own daemon (<c>minikube docker-env --shell none</c>).</summary>
    public static IReadOnlyDictionary<string, string> MinikubeDockerEnv(this ICakeContext context, MinikubeSettings settings) =>
        DockerEnv.Parse(new MinikubeRunner(context).Run(settings, ["docker-env", "--shell", "none"]).Output);

    /// <summary>minikube is on PATH (a file lookup: no process is started).</summary>
    public static bool MinikubeIsInstalled(this ICakeContext context, MinikubeSettings settings) => new MinikubeRunner(context).IsInstalled(settings);

    public static string MinikubeVersion(this ICakeContext context, MinikubeSettings settings) =>
        new MinikubeRunner(context).Run(settings, ["version", "--short"]).OutputText.Trim();
}
