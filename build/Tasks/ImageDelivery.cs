using Build.Delivery;
using Build.Docker;
using Build.Infrastructure;
using Build.Minikube;
using Build.Registry;
using Build.Tools;
using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Frosting;

namespace Build.Tasks;

[TaskName(nameof(ImageDelivery))]
[IsDependentOn(typeof(Preflight))]
[TaskDescription("Chooses how images reach the cluster (load, docker-env or registry) and prepares docker for it: minikube's daemon for docker-env, a registry login for registry. Checks the Docker daemon the build uses answers.")]
public sealed class ImageDelivery : AsyncFrostingTask<BuildContext>
{
    private static readonly TimeSpan RegistryDeadline = TimeSpan.FromSeconds(10);

    public override async Task RunAsync(BuildContext context)
    {
        var config = context.Config;
        var delivers = context.TasksToRun.Contains(nameof(MinikubeImageLoad));
        var choice = !delivers && config.ImageDelivery == DeliveryMode.Auto && config.Registry is null
            ? new DeliveryChoice(DeliveryMode.Load, "this run delivers no image (no MinikubeImageLoad), so it builds with the local Docker daemon", null)
            : DeliveryChoice.Decide(config.ImageDelivery, config.Registry, DeliveryChoice.NeedsProfile(config.ImageDelivery, config.Registry) ? Profile(context) : null);
        var nodeDaemon = choice.Mode == DeliveryMode.DockerEnv ? NodeDaemon(context, ref choice) : null;
        context.Delivery = choice;
        context.Log.Information("ImageDelivery: {0}: {1}.", DeliveryChoice.Name(choice.Mode), choice.Reason);

        // The daemon first: a registry login goes through it too (docker login asks the daemon to check it).
        var daemon = choice.Mode == DeliveryMode.DockerEnv ? context.ToolEnvironment.With(nodeDaemon!) : context.ToolEnvironment;
        var docker = context.DockerVersion(daemon, Deadlines.Preflight);
        if (PreflightChecks.DockerProblem(docker.Server, docker.Problem) is { } problem)
        {
            throw new BuildInputException(choice.Mode == DeliveryMode.DockerEnv
                ? $"minikube's Docker daemon does not answer ({docker.Problem}). Check it: minikube -p {config.MinikubeProfile} status; or pass --{ArgumentNames.ImageDelivery.Name}=load."
                : problem);
        }

        context.DockerEnvironment = choice.Mode == DeliveryMode.Registry ? await LogInAsync(context, choice.Registry!) : daemon;
        context.Log.Verbose("ImageDelivery: docker {0} builds with daemon {1} ({2}).", docker.Client, docker.Server, context.DockerEnvironment);
        if (choice.Mode == DeliveryMode.Load && delivers)
        {
            context.NodeImagesBefore = context.MinikubeImageList(context.Minikube(Deadlines.Quick));
        }
    }

    /// <summary>
    /// The environment of minikube's own Docker daemon. When auto chose docker-env and minikube cannot give it,
    /// the run loads instead (auto never does worse than load), saying why.
    /// </summary>
    private static IReadOnlyDictionary<string, string>? NodeDaemon(BuildContext context, ref DeliveryChoice choice)
    {
        try
        {
            return context.MinikubeDockerEnv(context.Minikube(Deadlines.Quick));
        }
        catch (Exception failure) when (context.Config.ImageDelivery == DeliveryMode.Auto && failure is ToolFailedException or ToolTimeoutException or FormatException)
        {
            var why = failure is ToolFailedException { Result: var result } ? string.Join(" ", result.LastLines(1)).Trim() : failure.Message;
            context.Log.Warning("ImageDelivery: minikube docker-env failed ({0}); loading the images instead.", why);
            choice = choice with { Mode = DeliveryMode.Load, Reason = "minikube docker-env failed, so images are loaded with minikube image load" };
            return null;
        }
        catch (ToolFailedException failure)
        {
            throw new BuildInputException($"minikube docker-env failed: {string.Join(" ", failure.Result.LastLines(2)).Trim()} Use --{ArgumentNames.ImageDelivery.Name}=load.");
        }
    }

    private static ProfileInfo Profile(BuildContext context)
    {
        var profile = context.Config.MinikubeProfile;
        try
        {
            return context.MinikubeProfileInfo(context.Minikube(Deadlines.Quick))
                ?? throw new BuildInputException($"minikube profile {profile} does not exist (minikube profile list). Create it with minikube start -p {profile}, or choose --{ArgumentNames.ImageDelivery.Name}=registry.");
        }
        catch (ToolNotFoundException missing)
        {
            throw new BuildInputException($"{missing.Message} ImageDelivery asks minikube how to reach profile {profile}; with a registry, pass --{ArgumentNames.Registry.Name}=HOST instead.");
        }
    }

    /// <summary>
    /// Makes sure docker can push to the registry, and returns the environment docker runs with. Credentials come, in
    /// this order, from an inline login in the docker config, from COINPILOT_REGISTRY_USERNAME/PASSWORD (logged in
    /// with docker login --password-stdin into a temporary config), or from RegistryLogin's saved login. The user's
    /// own docker config is never written.
    /// </summary>
    private static async Task<ToolEnvironment> LogInAsync(BuildContext context, RegistryAddress registry)
    {
        var configText = ReadConfig(EffectiveConfigFile(context));
        var credentials = RegistryCredentials.Inline(configText, registry.Host, "an inline login in the docker config");
        var environment = context.ToolEnvironment;
        if (credentials is null)
        {
            var fromEnvironment = RegistryCredentials.FromEnvironment(context.Environment.GetEnvironmentVariable);
            var saved = fromEnvironment is null ? new SavedLogins(SavedLogins.DefaultPath(context.Environment.GetEnvironmentVariable)).For(registry.Host) : null;
            if ((fromEnvironment ?? saved) is { } login)
            {
                var temporary = Writable(context, configText);
                environment = context.ToolEnvironment.With(EnvironmentVariableNames.DockerConfig, temporary.Path);
                if (fromEnvironment is not null)
                {
                    try
                    {
                        context.DockerLoginWithStdin(environment, registry.Host, login.Username, login.Password);
                    }
                    catch (CakeException refused)
                    {
                        throw new BuildInputException($"Registry {registry.Host} refused the login of {login}: {refused.Message.Split('\n').Last().Trim()}");
                    }
                }
                else
                {
                    temporary.AddLogin(registry.Host, login.Auth);
                }

                context.Log.Information("ImageDelivery: logged in to {0} as {1} into {2}.", registry.Host, login, temporary.Path);
                credentials = login;
            }
        }

        context.RegistryCredentials = credentials;
        using var client = new RegistryClient(registry, credentials, RegistryDeadline);
        RegistryAccess access;
        try
        {
            access = await client.CheckAsync(context.Cancellation.Token);
        }
        catch (Exception failure) when (failure is HttpRequestException or TaskCanceledException)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            throw new BuildInputException($"Registry {registry.Host} does not answer ({failure.Message}). Check --{ArgumentNames.Registry.Name} and that the registry runs.");
        }

        return access switch
        {
            RegistryAccess.Denied => throw new BuildInputException($"Registry {registry.Host} refused the login of {credentials}. Check the user name and password."),
            RegistryAccess.NeedsLogin when !DockerConfigFallback.HasCredentialStoreFor(configText, registry.Host) =>
                throw new BuildInputException(
                    $"Registry {registry.Host} needs a login and this run has none. Give it one of: an inline login in your docker config (docker login, without a credential store); " +
                    $"{EnvironmentVariableNames.RegistryUsername} and {EnvironmentVariableNames.RegistryPassword}; or, once, ./build.sh --target=RegistryLogin --registry={registry.Host} --registry-username=NAME (the password on standard input)."),
            _ => environment,
        };
    }

    /// <summary>
    /// The temporary docker config a login may be written to: CredsFallback's, or a new one (for docker only) made from
    /// the user's config without its credential stores, removed by Teardown like CredsFallback's.
    /// </summary>
    private static TemporaryDockerConfig Writable(BuildContext context, string? configText)
    {
        if (context.TemporaryDockerConfig is { } existing)
        {
            return existing;
        }

        var userDirectory = Path.GetDirectoryName(EffectiveConfigFile(context))!;
        var temporary = TemporaryDockerConfig.Create(DockerConfigFallback.WithoutCredentialStores(configText), userDirectory, Path.GetTempPath(),
            warning => context.Log.Warning("ImageDelivery: {0}", warning));
        context.TemporaryDockerConfig = temporary;
        return temporary;
    }

    /// <summary>The config.json docker reads in this run: the temporary one, the user's DOCKER_CONFIG, or ~/.docker's.</summary>
    private static string EffectiveConfigFile(BuildContext context)
    {
        var directory = context.ToolEnvironment.Variables.GetValueOrDefault(EnvironmentVariableNames.DockerConfig)
            ?? (context.Environment.GetEnvironmentVariable(EnvironmentVariableNames.DockerConfig) is { Length: > 0 } own ? own : null)
            ?? DockerConfigFallback.UserDockerDirectory(context.Environment.GetEnvironmentVariable(EnvironmentVariableNames.Home) ?? "");
        return Path.Combine(directory, "config.json");
    }

    private static string? ReadConfig(string file)
    {
        try
        {
            return File.Exists(file) ? File.ReadAllText(file) : null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
