using System.Diagnostics;
using Build.Docker;
using Build.Infrastructure;
using Build.Kubernetes;
using Build.Registry;
using Build.Tools;
using Cake.Core;
using Cake.Core.Diagnostics;

namespace Build.Delivery;

/// <summary>
/// Images are tagged <c>REGISTRY/PREFIX/&lt;image&gt;:id-&lt;16 hex&gt;</c> and pushed (those the registry lacks, asked over
/// HTTP); the cluster pulls them with its image pull secret. Works with any cluster, minikube or not.
/// </summary>
public sealed class RegistryDelivery(DeliveryChoice choice, ToolEnvironment docker) : DeliveryStrategy(choice, docker)
{
    private static readonly TimeSpan RegistryDeadline = TimeSpan.FromSeconds(10);

    public RegistryAddress Registry => Choice.Registry!;

    /// <summary>The login the build itself uses to ask the registry what it has (null: anonymous).</summary>
    public RegistryCredentials? Credentials { get; private set; }

    /// <summary>The daemon first (docker login asks it to check the login), then a login, then the registry's answer.</summary>
    public override async Task PrepareAsync(BuildContext context)
    {
        await base.PrepareAsync(context);
        DockerEnvironment = await LogInAsync(context);
    }

    /// <summary>
    /// Makes sure docker can push to the registry, and returns the environment docker runs with. Credentials come, in
    /// this order, from an inline login in the docker config, from COINPILOT_REGISTRY_USERNAME/PASSWORD (logged in
    /// with docker login --password-stdin into a temporary config), or from RegistryLogin's saved login. The user's
    /// own docker config is never written.
    /// </summary>
    private async Task<ToolEnvironment> LogInAsync(BuildContext context)
    {
        var session = context.DockerConfig ?? throw new InvalidOperationException("CredsFallback, which starts the docker config session, must run before a registry login.");
        var configText = session.ReadConfig();
        var credentials = RegistryCredentials.Inline(configText, Registry.Host, "an inline login in the docker config");
        var environment = DockerEnvironment;
        if (credentials is null)
        {
            var fromEnvironment = RegistryCredentials.FromEnvironment(context.Host);
            var saved = fromEnvironment is null ? new SavedLogins(SavedLogins.DefaultPath(context.Host)).For(Registry.Host) : null;
            if ((fromEnvironment ?? saved) is { } login)
            {
                var temporary = session.Writable(warning => context.Log.Warning("ImageDelivery: {0}", warning));
                environment = DockerEnvironment.With(EnvironmentVariableNames.DockerConfig, temporary.Path);
                if (fromEnvironment is not null)
                {
                    try
                    {
                        context.DockerLoginWithStdin(environment, Registry.Host, login.Username, login.Password);
                    }
                    catch (CakeException refused)
                    {
                        throw new BuildInputException($"Registry {Registry.Host} refused the login of {login}: {refused.Message.Split('\n').Last().Trim()}");
                    }
                }
                else
                {
                    temporary.AddLogin(Registry.Host, login.Auth);
                }

                context.Log.Information("ImageDelivery: logged in to {0} as {1} into {2}.", Registry.Host, login, temporary.Path);
                credentials = login;
            }
        }

        Credentials = credentials;
        using var client = new RegistryClient(Registry, credentials, RegistryDeadline);
        RegistryAccess access;
        try
        {
            access = await client.CheckAsync(context.Cancellation.Token);
        }
        catch (Exception failure) when (failure is HttpRequestException or TaskCanceledException)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            throw new BuildInputException($"Registry {Registry.Host} does not answer ({failure.Message}). Check --{ArgumentNames.Registry} and that the registry runs.");
        }

        return access switch
        {
            RegistryAccess.Denied => throw new BuildInputException($"Registry {Registry.Host} refused the login of {credentials}. Check the user name and password."),
            RegistryAccess.NeedsLogin when !DockerConfigFallback.HasCredentialStoreFor(configText, Registry.Host) =>
                throw new BuildInputException(
                    $"Registry {Registry.Host} needs a login and this run has none. Give it one of: an inline login in your docker config (docker login, without a credential store); " +
                    $"{EnvironmentVariableNames.RegistryUsername} and {EnvironmentVariableNames.RegistryPassword}; or, once, {LoginCommand}."),
            _ => environment,
        };
    }

    private string LoginCommand => $"./build.sh --target=RegistryLogin --registry={Registry.Host} --registry-username=NAME (the password on standard input)";

    /// <summary>
    /// Pushes the images the registry does not have under their tag yet (asked over HTTP, all at once, without a
    /// process each), in parallel; returns each image with the manifest digest the registry has for it.
    /// </summary>
    public override async Task<List<BuiltImage>> PublishAsync(BuildContext context, List<BuiltImage> images, SemaphoreSlim slots)
    {
        if (images.Count == 0)
        {
            return images;
        }

        using var client = new RegistryClient(Registry, Credentials, RegistryDeadline);
        var known = await Task.WhenAll(images.Select(async image =>
        {
            try
            {
                return await client.ManifestDigestAsync(image.Repository[(Registry.Host.Length + 1)..], image.Id.Tag, context.Cancellation.Token);
            }
            catch (HttpRequestException)
            {
                return null; // cannot tell: push, and docker says what is wrong
            }
        }));

        return [.. await Task.WhenAll(images.Select(async (image, index) =>
        {
            var report = context.Report.For(image.Service.Name);
            if (known[index] is { } digest)
            {
                context.LogLine(image.Service.Name, $"{Registry.Host} already has {image.Reference}: not pushed.");
                report.Delivery = new(DeliveryState.InRegistry);
                return image with { PushedDigest = digest };
            }

            await slots.WaitAsync(context.Cancellation.Token);
            try
            {
                var clock = Stopwatch.StartNew();
                var pushed = await Task.Run(() => context.DockerPushImage(DockerEnvironment, image.Reference, line => context.LogLine(image.Service.Name, line)), context.Cancellation.Token);
                report.Delivery = new(DeliveryState.Pushed, Took: clock.Elapsed);
                return image with { PushedDigest = pushed };
            }
            catch (CakeException failure)
            {
                report.Delivery = new(DeliveryState.PushFailed);
                throw new PipelineException(PushProblem(image, failure.Message));
            }
            finally
            {
                slots.Release();
            }
        }))];
    }

    private string PushProblem(BuiltImage image, string message) =>
        message.Contains("unauthorized", StringComparison.OrdinalIgnoreCase) || message.Contains("denied", StringComparison.OrdinalIgnoreCase) || message.Contains("no basic auth", StringComparison.OrdinalIgnoreCase)
            ? $"docker push {image.Reference} was refused: {Registry.Host} wants a login this run does not have. Give it one of: an inline login in your docker config; " +
              $"{EnvironmentVariableNames.RegistryUsername} and {EnvironmentVariableNames.RegistryPassword}; or ./build.sh --target=RegistryLogin --registry={Registry.Host} --registry-username=NAME."
            : $"docker push {image.Reference} failed: {message}";

    public override IReadOnlyList<Pruning.IImageStore> ImageStores(BuildContext context, bool registry) =>
        registry && base.ImageStores(context, registry) is [Pruning.DockerStore local] // the local daemon built and pushed them: it dates them
            ? [local, new Pruning.RegistryStore(Registry, Credentials ?? ReadableCredentials(context), local)]
            : base.ImageStores(context, registry);

    /// <summary>A login to read the registry with when none was made (a dry run): inline, from the environment, or saved.</summary>
    private RegistryCredentials? ReadableCredentials(BuildContext context) =>
        RegistryCredentials.Inline(context.DockerConfig?.ReadConfig(), Registry.Host, "an inline login in the docker config")
        ?? RegistryCredentials.FromEnvironment(context.Host)
        ?? new SavedLogins(SavedLogins.DefaultPath(context.Host)).For(Registry.Host);

    public override void Deliver(BuildContext context, IReadOnlyList<BuiltImage> images) =>
        context.Log.Information("MinikubeImageLoad: nothing to load: DockerBuild pushed the images to {0}, and the cluster pulls them from there.", Registry);

    public override string DeliverPlan(BuildContext context) => $"MinikubeImageLoad: nothing (DockerBuild pushes to {Registry}; the cluster pulls from there).";

    /// <summary>Why the cluster could not pull from the registry, from the kubelet's words, and the fix.</summary>
    public override string? ImageHint(PodProblem problem, HintContext where)
    {
        if (problem.Reason == "ErrImageNeverPull")
        {
            return $"The container has imagePullPolicy: Never, so the node does not pull from {Registry.Host}: set IfNotPresent.";
        }

        var message = problem.Message;
        bool Says(string words) => message.Contains(words, StringComparison.OrdinalIgnoreCase);
        var host = Registry.Host;
        if (Says("manifest unknown") || Says("not found"))
        {
            return $"{host} does not have this image: the push did not arrive or was deleted. Redeploy to push it again.";
        }

        return Says("no basic auth credentials") || Says("unauthorized") || Says("authentication required") || Says("denied")
            ? $"The cluster cannot log in to {host}: give it a pull secret. {PullSecrets.CreateAndUseCommands(where.Kubectl, host)} (or list it under imagePullSecrets in the deployment)."
            : $"The node could not pull from {host}: check that the cluster reaches it.";
    }
}
