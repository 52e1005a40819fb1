using Cake.Core;
using Cake.Core.Annotations;

namespace Cake.Docker;

/// <summary>
/// Docker aliases with Cake.Docker 1.5.0's names, signatures and argument conventions, so that a build using them
/// moves to the real package by changing a reference. Unlike Cake.Docker, a process still running at its
/// ToolTimeout is killed, and a failure says what docker printed last.
/// </summary>
[CakeAliasCategory("Docker")]
public static class DockerAliases
{
    /// <summary><c>docker image build PATH</c>.</summary>
    [CakeMethodAlias]
    public static void DockerBuild(this ICakeContext context, string path) => context.DockerBuild(new DockerImageBuildSettings(), path);

    /// <summary><c>docker image build [flags] PATH</c>.</summary>
    [CakeMethodAlias]
    public static void DockerBuild(this ICakeContext context, DockerImageBuildSettings? settings, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        new DockerRunner<DockerImageBuildSettings>(context).Run("image build", settings ?? new(), [path]);
    }

    /// <summary><c>docker tag SOURCE TARGET</c> (as in Cake.Docker, without settings: use <c>DockerCustomCommand</c> for an environment or a deadline).</summary>
    [CakeMethodAlias]
    public static void DockerTag(this ICakeContext context, string imageReference, string registryReference)
    {
        ArgumentException.ThrowIfNullOrEmpty(imageReference);
        ArgumentException.ThrowIfNullOrEmpty(registryReference);
        new DockerRunner<DockerImageTagSettings>(context).Run("tag", new DockerImageTagSettings(), [imageReference, registryReference]);
    }

    /// <summary><c>docker push REFERENCE</c>.</summary>
    [CakeMethodAlias]
    public static void DockerPush(this ICakeContext context, string imageReference) => context.DockerPush(new DockerImagePushSettings(), imageReference);

    /// <summary><c>docker push [flags] REFERENCE</c>.</summary>
    [CakeMethodAlias]
    public static void DockerPush(this ICakeContext context, DockerImagePushSettings? settings, string imageReference)
    {
        ArgumentException.ThrowIfNullOrEmpty(imageReference);
        new DockerRunner<DockerImagePushSettings>(context).Run("push", settings ?? new(), [imageReference]);
    }

    /// <summary><c>docker pull REFERENCE</c>.</summary>
    [CakeMethodAlias]
    public static void DockerPull(this ICakeContext context, string imageReference) => context.DockerPull(new DockerImagePullSettings(), imageReference);

    /// <summary><c>docker pull [flags] REFERENCE</c>.</summary>
    [CakeMethodAlias]
    public static void DockerPull(this ICakeContext context, DockerImagePullSettings? settings, string imageReference)
    {
        ArgumentException.ThrowIfNullOrEmpty(imageReference);
        new DockerRunner<DockerImagePullSettings>(context).Run("pull", settings ?? new(), [imageReference]);
    }

    /// <summary><c>docker rmi IMAGE...</c>.</summary>
    [CakeMethodAlias]
    public static void DockerRmi(this ICakeContext context, params string[] images) => context.DockerRemove(new DockerImageRemoveSettings(), images);

    /// <summary><c>docker rmi [flags] IMAGE...</c>.</summary>
    [CakeMethodAlias]
    public static void DockerRemove(this ICakeContext context, DockerImageRemoveSettings? settings, params string[] images)
    {
        ArgumentOutOfRangeException.ThrowIfZero(images.Length);
        new DockerRunner<DockerImageRemoveSettings>(context).Run("rmi", settings ?? new(), images);
    }

    /// <summary><c>docker save [flags] IMAGE...</c>.</summary>
    [CakeMethodAlias]
    public static void DockerSave(this ICakeContext context, DockerImageSaveSettings? settings, params string[] images)
    {
        ArgumentOutOfRangeException.ThrowIfZero(images.Length);
        new DockerRunner<DockerImageSaveSettings>(context).Run("save", settings ?? new(), images);
    }

    /// <summary><c>docker load [flags]</c>.</summary>
    [CakeMethodAlias]
    public static void DockerLoad(this ICakeContext context, DockerImageLoadSettings? settings) =>
        new DockerRunner<DockerImageLoadSettings>(context).Run("load", settings ?? new(), []);

    /// <summary><c>docker login --username U --password P [SERVER]</c>: the password is in argv (redacted in logs); prefer the settings overload with PasswordStdin.</summary>
    [CakeMethodAlias]
    public static void DockerLogin(this ICakeContext context, string username, string password, string? server = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(username);
        ArgumentException.ThrowIfNullOrEmpty(password);
        context.DockerLogin(new DockerRegistryLoginSettings { Username = username, Password = password }, server);
    }

    /// <summary><c>docker login [flags] [SERVER]</c>.</summary>
    [CakeMethodAlias]
    public static void DockerLogin(this ICakeContext context, DockerRegistryLoginSettings settings, string? server = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        new DockerRunner<DockerRegistryLoginSettings>(context).Run("login", settings, server is null ? [] : [server]);
    }

    /// <summary><c>docker logout [SERVER]</c>.</summary>
    [CakeMethodAlias]
    public static void DockerLogout(this ICakeContext context, string? server = null) => context.DockerLogout(new DockerRegistryLogoutSettings(), server);

    /// <summary><c>docker logout [SERVER]</c>.</summary>
    [CakeMethodAlias]
    public static void DockerLogout(this ICakeContext context, DockerRegistryLogoutSettings? settings, string? server = null) =>
        new DockerRunner<DockerRegistryLogoutSettings>(context).Run("logout", settings ?? new(), server is null ? [] : [server]);

    /// <summary>Any docker command, e.g. <c>"image inspect --format {{.Id}} app"</c>; returns its standard output lines.</summary>
    [CakeMethodAlias]
    public static IEnumerable<string> DockerCustomCommand(this ICakeContext context, string command) =>
        context.DockerCustomCommand(new DockerCustomCommandSettings(), command);

    /// <summary>
    /// Any docker command with tool settings; returns its standard output lines. The command is split at spaces
    /// (as Cake.Docker does); an exit code that <c>HandleExitCode</c> accepts is not a failure.
    /// </summary>
    [CakeMethodAlias]
    public static IEnumerable<string> DockerCustomCommand(this ICakeContext context, DockerCustomCommandSettings settings, string command)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentException.ThrowIfNullOrEmpty(command);
        return new DockerRunner<DockerCustomCommandSettings>(context).Run(command, settings, []).Output;
    }
}
