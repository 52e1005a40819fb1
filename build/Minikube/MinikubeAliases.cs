using Build.Tools;
using Cake.Core;

namespace Build.Minikube;

/// <summary>minikube aliases (no Cake addin exists for minikube; named in the style of Cake.Docker's).</summary>
public static class MinikubeAliases
{
    private static readonly TimeSpan QuickCommand = TimeSpan.FromSeconds(60);

    /// <summary>Loading is slow for big images; this only bounds a hung minikube.</summary>
    private static readonly TimeSpan LoadCommand = TimeSpan.FromMinutes(15);

    public static MinikubeStatus MinikubeStatus(this ICakeContext context, string profile) =>
        Minikube.MinikubeStatus.From(new MinikubeRunner(context).Run(
            Settings(profile, QuickCommand), ["status", "--output", "json"], new ToolRun { AllowFailure = true }));

    public static NodeImages MinikubeImageList(this ICakeContext context, string profile) =>
        new(NodeImage.ParseList(new MinikubeRunner(context).Run(Settings(profile, QuickCommand), ["image", "ls", "--format", "json"]).OutputText));

    /// <summary><c>minikube image load --daemon</c>: takes the images from the local Docker daemon, never from a registry.</summary>
    public static ToolResult MinikubeImageLoad(this ICakeContext context, string profile, IEnumerable<string> images, ToolRun? run = null) =>
        new MinikubeRunner(context).Run(Settings(profile, LoadCommand), ["image", "load", "--daemon", .. images], run);

    public static string MinikubeVersion(this ICakeContext context, string profile) =>
        new MinikubeRunner(context).Run(Settings(profile, QuickCommand), ["version", "--short"]).OutputText.Trim();

    private static MinikubeSettings Settings(string profile, TimeSpan timeout) => new() { Profile = profile, ToolTimeout = timeout };
}
