using System.Diagnostics;
using Build.Configuration;
using Build.Docker;
using Build.Infrastructure;
using Build.Tools;
using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Frosting;

namespace Build.Tasks;

[TaskName(nameof(DockerBuild))]
[IsDependentOn(typeof(ImageDelivery))]
[TaskDescription("Builds the services' images in parallel (only those whose inputs changed), tags each <image>:latest and <image>:id-<image ID>, and for registry delivery pushes the tags the registry does not have.")]
public sealed class DockerBuild : AsyncFrostingTask<BuildContext>
{
    private const int QuotedLines = 12;

    public override async Task RunAsync(BuildContext context)
    {
        var services = context.Config.Services;
        context.Report.Start(services);
        var environment = context.DockerEnvironment ?? context.ToolEnvironment;
        var registry = context.Delivery?.Registry;
        var cache = new BuildInputCache(BuildInputCache.DefaultPath, BuildInputCache.DaemonOf(environment.Variables));

        // What each build reads, and which earlier image it would give: two docker calls for all services.
        var dockerfiles = services.ToDictionary(s => s.Name, BuildInputs.ReadDockerfile);
        var baseImages = dockerfiles.Values.OfType<string>().SelectMany(d => BuildInputs.BaseImages(d) ?? []).Distinct().ToList();
        var baseIds = context.DockerImageIds(environment, baseImages);
        var digests = await Task.WhenAll(services.Select(s => Task.Run(() =>
            dockerfiles[s.Name] is { } dockerfile ? BuildInputs.Digest(s, dockerfile, baseIds) : null)));
        var reusable = Reusable(context, environment, cache, services, digests, registry);

        using var slots = new SemaphoreSlim(context.Settings.Parallelism ?? services.Count);
        var outcomes = await Task.WhenAll(services.Select(async (service, index) =>
        {
            if (reusable.TryGetValue(service.Name, out var found))
            {
                return Reuse(context, environment, found.Image, found.MissingTags);
            }

            await slots.WaitAsync(context.Cancellation.Token);
            try
            {
                return await Task.Run(() => Build(context, environment, service, digests[index], cache, registry), context.Cancellation.Token);
            }
            finally
            {
                slots.Release();
            }
        }));

        var built = outcomes.OfType<BuildOutcome.Built>().Select(b => b.Image).ToList();
        if (registry is not null && built.Count > 0)
        {
            built = await Push(context, environment, built, registry, slots);
        }

        context.BuiltImages.AddRange(built);
        var table = new TextTable("Service", "Image", "Image ID", "Time");
        foreach (var image in built)
        {
            table.Add(image.Service.Name, image.Reference, image.Id.Short, image.BuildTime);
        }

        context.LogTable(table);
        if (cache.Save() is { } problem)
        {
            context.Log.Verbose("DockerBuild: could not save {0} ({1}); the next run builds again.", cache.Path, problem);
        }

        var failures = outcomes.OfType<BuildOutcome.Failed>().ToList();
        if (failures.Count > 0)
        {
            // The same cause (a daemon gone, a registry down) is said once, naming every service it stopped.
            throw new PipelineException(string.Join("\n", failures
                .GroupBy(f => f.Message)
                .Select(g => $"docker build of {string.Join(", ", g.Select(f => f.Service.Name))} failed{g.Key}")));
        }
    }

    /// <summary>
    /// The images earlier builds made from the very same inputs that the daemon still has: found with one
    /// <c>docker image inspect</c> of their IDs and tags.
    /// </summary>
    private static Dictionary<string, (BuiltImage Image, string[] MissingTags)> Reusable(
        BuildContext context, ToolEnvironment environment, BuildInputCache cache, IReadOnlyList<ServiceConfig> services, string?[] digests, Registry.RegistryAddress? registry)
    {
        var candidates = services
            .Select((service, index) => digests[index] is { } digest && cache.ImageFor(service.Image, digest) is { } id
                ? new BuiltImage(service, id, TimeSpan.Zero) { Reused = true, Repository = RepositoryOf(service, registry) }
                : null)
            .OfType<BuiltImage>()
            .ToList();
        var present = context.DockerImageIds(environment, candidates.SelectMany(c => new[] { c.Id.ToString(), c.LatestReference, c.Reference }).ToList());
        return candidates
            .Where(c => present.ContainsKey(c.Id.ToString()))
            .ToDictionary(c => c.Service.Name, c => (c, new[] { c.LatestReference, c.Reference }.Where(t => present.GetValueOrDefault(t) != c.Id).ToArray()));
    }

    private static string RepositoryOf(ServiceConfig service, Registry.RegistryAddress? registry) => registry?.Repository(service.Image) ?? service.Image;

    /// <summary>
    /// Pushes the images the registry does not have under their tag yet (asked over HTTP, all at once, without a
    /// process each), in parallel; returns each image with the manifest digest the registry has for it.
    /// </summary>
    private static async Task<List<BuiltImage>> Push(BuildContext context, ToolEnvironment environment, List<BuiltImage> images, Registry.RegistryAddress registry, SemaphoreSlim slots)
    {
        using var client = new Registry.RegistryClient(registry, context.RegistryCredentials, TimeSpan.FromSeconds(10));
        var known = await Task.WhenAll(images.Select(async image =>
        {
            try
            {
                return await client.ManifestDigestAsync(image.Repository[(registry.Host.Length + 1)..], image.Id.Tag, context.Cancellation.Token);
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
                context.LogLine(image.Service.Name, $"{registry.Host} already has {image.Reference}: not pushed.");
                report.Load = "in registry";
                return image with { PushedDigest = digest };
            }

            await slots.WaitAsync(context.Cancellation.Token);
            try
            {
                var clock = Stopwatch.StartNew();
                var pushed = await Task.Run(() => context.DockerPushImage(environment, image.Reference, line => context.LogLine(image.Service.Name, line)), context.Cancellation.Token);
                report.Load = $"pushed {clock.Elapsed.TotalSeconds:0.0}s";
                return image with { PushedDigest = pushed };
            }
            catch (CakeException failure)
            {
                report.Load = "push failed";
                throw new PipelineException(PushProblem(registry, image, failure.Message));
            }
            finally
            {
                slots.Release();
            }
        }))];
    }

    private static string PushProblem(Registry.RegistryAddress registry, BuiltImage image, string message) =>
        message.Contains("unauthorized", StringComparison.OrdinalIgnoreCase) || message.Contains("denied", StringComparison.OrdinalIgnoreCase) || message.Contains("no basic auth", StringComparison.OrdinalIgnoreCase)
            ? $"docker push {image.Reference} was refused: {registry.Host} wants a login this run does not have. Give it one of: an inline login in your docker config; " +
              $"{EnvironmentVariableNames.RegistryUsername} and {EnvironmentVariableNames.RegistryPassword}; or ./build.sh --target=RegistryLogin --registry={registry.Host} --registry-username=NAME."
            : $"docker push {image.Reference} failed: {message}";

    /// <summary>Uses the image an earlier build made from the same inputs, with both tags a build would leave.</summary>
    private static BuildOutcome Reuse(BuildContext context, ToolEnvironment environment, BuiltImage image, string[] missingTags)
    {
        foreach (var tag in missingTags)
        {
            context.DockerTagImage(environment, image.Id, tag);
        }

        context.LogLine(image.Service.Name, $"inputs unchanged since the build of {image.Id.Short}: not rebuilt.");
        context.Report.For(image.Service.Name).Image = image;
        context.Report.For(image.Service.Name).Build = image.BuildTime;
        return new BuildOutcome.Built(image);
    }

    /// <summary>Builds one image; a failing build is returned (so the others finish), anything else thrown.</summary>
    private static BuildOutcome Build(BuildContext context, ToolEnvironment environment, ServiceConfig service, string? digest, BuildInputCache cache, Registry.RegistryAddress? registry)
    {
        var clock = Stopwatch.StartNew();
        var lastLines = new Queue<string>();
        var report = context.Report.For(service.Name);
        try
        {
            var id = context.DockerBuildImage(service, environment, line =>
            {
                lock (lastLines)
                {
                    lastLines.Enqueue(line);
                    if (lastLines.Count > QuotedLines)
                    {
                        lastLines.Dequeue();
                    }
                }

                context.LogLine(service.Name, line);
            });
            var image = new BuiltImage(service, id, clock.Elapsed) { Repository = RepositoryOf(service, registry) };
            context.DockerTagImage(environment, image.Id, image.Reference);
            if (digest is not null)
            {
                cache.Remember(service.Image, digest, image.Id);
            }

            report.Image = image;
            report.Build = image.BuildTime;
            return new BuildOutcome.Built(image);
        }
        catch (CakeException)
        {
            report.Build = "build failed";
            lock (lastLines)
            {
                var quoted = lastLines.Where(l => l.Trim().Length > 0).ToList();
                return new BuildOutcome.Failed(service, quoted.Count == 0 ? "." : ":\n  " + string.Join("\n  ", quoted));
            }
        }
        catch (ToolTimeoutException timeout)
        {
            report.Build = "build failed";
            return new BuildOutcome.Failed(service, $": {timeout.Message}");
        }
    }
}
