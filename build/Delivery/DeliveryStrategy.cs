using Build.Docker;
using Build.Infrastructure;
using Build.Kubernetes;
using Build.Minikube;
using Build.Tools;
using Cake.Core.Diagnostics;

namespace Build.Delivery;

/// <summary>
/// How this run gets its images to the cluster, chosen once (<see cref="Choose"/>) and read by everything after:
/// what it does before the build (ImageDelivery: <see cref="PrepareAsync"/>), after it (DockerBuild:
/// <see cref="PublishAsync"/>; MinikubeImageLoad: <see cref="Deliver"/>), and what it says when a pod cannot get
/// its image (<see cref="ImageHint"/>). One subclass per mode.
/// </summary>
public abstract class DeliveryStrategy(DeliveryChoice choice, ToolEnvironment docker)
{
    public DeliveryChoice Choice { get; } = choice;

    public DeliveryMode Mode => Choice.Mode;

    /// <summary>What the docker processes that build, tag, inspect and push get (minikube's daemon for docker-env; a login's config for registry).</summary>
    public ToolEnvironment DockerEnvironment { get; protected set; } = docker;

    /// <summary>What every run, dry run and Doctor says about the choice: the mode and why.</summary>
    public string Describe() => $"{DeliveryChoice.Name(Mode)}: {Choice.Reason}";

    /// <summary>
    /// Decides how this run's images reach the cluster: reads what the decision needs (the profile's config; for
    /// docker-env, the node daemon's environment from <c>minikube docker-env</c>) and decides. The run, <c>--dryrun</c> and Doctor all call this, so
    /// they cannot disagree. Reads only: it changes nothing. <paramref name="intent"/> is this run's, unless another is
    /// asked about (Doctor asks what Redeploy would do).
    /// </summary>
    public static DeliveryStrategy Choose(BuildContext context, RunIntent? intent = null)
    {
        var request = DeliveryRequest.For(context.Config, intent ?? context.Intent);
        var profile = request.NeedsProfile && request.Problem is null ? AskProfile(context) : null;
        var choice = DeliveryChoice.Decide(request, profile);
        if (choice.Mode != DeliveryMode.DockerEnv)
        {
            return For(choice, context.ToolEnvironment, nodeDaemon: null);
        }

        var (nodeDaemon, failure) = AskDockerEnv(context);
        return failure is null
            ? For(choice, context.ToolEnvironment, nodeDaemon)
            : For(DeliveryChoice.Decide(request, profile, failure), context.ToolEnvironment, nodeDaemon: null);
    }

    private static DeliveryStrategy For(DeliveryChoice choice, ToolEnvironment tools, IReadOnlyDictionary<string, string>? nodeDaemon) => choice.Mode switch
    {
        DeliveryMode.Registry => new RegistryDelivery(choice, tools),
        DeliveryMode.DockerEnv => new DockerEnvDelivery(choice, tools.With(nodeDaemon!)),
        DeliveryMode.Local => new LocalDelivery(choice, tools),
        _ => new LoadDelivery(choice, tools),
    };

    /// <summary>
    /// Before the build: checks that the Docker daemon the build uses answers, and whatever else the mode needs
    /// (a registry login, the node's images).
    /// </summary>
    public virtual Task PrepareAsync(BuildContext context)
    {
        var docker = context.DockerVersion(DockerEnvironment, Deadlines.Preflight);
        if (docker.Server is null)
        {
            throw new BuildInputException(DaemonProblem(context, docker.Problem));
        }

        context.Log.Verbose("ImageDelivery: docker {0} builds with daemon {1} ({2}).", docker.Client, docker.Server, DockerEnvironment);
        return Task.CompletedTask;
    }

    /// <summary>What to say when the daemon docker builds with does not answer.</summary>
    protected virtual string DaemonProblem(BuildContext context, string? problem) => PreflightChecks.DockerProblem(null, problem)!;

    /// <summary>After the build (DockerBuild): the images as the cluster will name them; registry delivery pushes them here.</summary>
    public virtual Task<List<BuiltImage>> PublishAsync(BuildContext context, List<BuiltImage> built, SemaphoreSlim slots) => Task.FromResult(built);

    /// <summary>MinikubeImageLoad's work: get the images to the node (or check they are there), and say so in the report.</summary>
    public abstract void Deliver(BuildContext context, IReadOnlyList<BuiltImage> images);

    /// <summary>MinikubeImageLoad's line of the dry-run plan.</summary>
    public abstract string DeliverPlan(BuildContext context);

    /// <summary>
    /// Where this delivery leaves images, for pruning and Doctor: the Docker daemon the build uses, and the node
    /// (load) or the registry (registry delivery, when <paramref name="registry"/>: pruning a registry is opt-in).
    /// </summary>
    public virtual IReadOnlyList<Pruning.IImageStore> ImageStores(BuildContext context, bool registry) =>
        [new Pruning.DockerStore(context, DockerEnvironment, "local daemon")];

    /// <summary>What to do when a pod's container cannot get its image (ErrImageNeverPull, ErrImagePull, ImagePullBackOff).</summary>
    public abstract string? ImageHint(PodProblem problem, HintContext where);

    /// <summary>
    /// The profile's driver, runtime and node count: from its config.json, where minikube keeps them (read on every
    /// run, so a profile recreated with another runtime is seen at once); only when that file cannot be read, from
    /// <c>minikube profile list</c>, which also says when there is no such profile.
    /// </summary>
    private static ProfileInfo AskProfile(BuildContext context)
    {
        var profile = context.Config.MinikubeProfile;
        var config = context.ReadProfileConfig();
        if (config.Info is { } info)
        {
            context.Log.Verbose("ImageDelivery: minikube profile {0}: driver {1}, runtime {2}, {3} node(s) ({4}).", profile, info.Driver, info.ContainerRuntime, info.Nodes, config.Path);
            return info;
        }

        try
        {
            return context.MinikubeProfileInfo(context.Minikube(Deadlines.Quick))
                ?? throw new BuildInputException($"minikube profile {profile} does not exist (minikube profile list). Create it with minikube start -p {profile}, or choose --{ArgumentNames.ImageDelivery}=registry.");
        }
        catch (ToolNotFoundException missing)
        {
            throw new BuildInputException($"{missing.Message} ImageDelivery asks minikube how to reach profile {profile}; with a registry, pass --{ArgumentNames.Registry}=HOST instead.");
        }
    }

    /// <summary>The environment of minikube's own Docker daemon, or minikube's words for why it cannot give it.</summary>
    private static (IReadOnlyDictionary<string, string>? Daemon, string? Failure) AskDockerEnv(BuildContext context)
    {
        try
        {
            return (context.MinikubeDockerEnv(context.Minikube(Deadlines.Quick)), null);
        }
        catch (ToolFailedException failure)
        {
            return (null, string.Join(" ", failure.Result.LastLines(2)).Trim());
        }
        catch (Exception failure) when (failure is ToolTimeoutException or FormatException)
        {
            return (null, failure.Message);
        }
    }
}

/// <summary>Where a hint's commands point: the profile, the kube context and namespace, and how images reach the cluster.</summary>
public sealed record HintContext(string Profile, string KubeContext, string Namespace, DeliveryStrategy? Delivery)
{
    /// <summary>A kubectl command line for the user, with the context and namespace this run uses.</summary>
    public string Kubectl(string arguments) => $"kubectl --context={KubeContext} --namespace={Namespace} {arguments}";
}
