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
[UsesServicesFile]
[TaskArguments(ArgumentNames.Parallel)]
public sealed class DockerBuild : AsyncFrostingTask<BuildContext>, IPlannedTask
{
    /// <summary>In a Watch, a failure of the first Redeploy is reported and the session still starts.</summary>
    public override void OnError(Exception exception, BuildContext context) => global::Build.Watch.WatchSession.ContinueIfWatching(context, nameof(DockerBuild), exception);

    private const int QuotedLines = 12;

    public override async Task RunAsync(BuildContext context)
    {
        var services = context.Config.Services;
        context.Report.Start(services);
        var delivery = context.Delivery ?? throw new InvalidOperationException("ImageDelivery chooses how images reach the cluster before DockerBuild.");
        var environment = delivery.DockerEnvironment;
        var registry = delivery.Choice.Registry;
        var cache = new BuildInputCache(BuildInputCache.PathIn(context.Host), BuildInputCache.DaemonOf(environment.Variables, context.Host.DockerHost));

        // What each build reads, and which earlier image it would give: two docker calls for all services.
        var contents = await Task.WhenAll(services.Select(s => Task.Run(() => BuildInputs.ReadDockerfile(s) is { } dockerfile ? BuildInputs.Content(s, dockerfile) : null)));
        var baseIds = context.DockerImageIds(environment, BaseImages(contents));
        var digests = contents.Select(c => c is null ? null : BuildInputs.WithBaseImages(c, baseIds)).ToArray();
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
                return await Task.Run(() => Build(context, environment, service, registry), context.Cancellation.Token);
            }
            finally
            {
                slots.Release();
            }
        }));

        Remember(context, environment, cache, contents, digests, outcomes);
        context.BuiltImages.AddRange(await delivery.PublishAsync(context, outcomes.OfType<BuildOutcome.Built>().Select(b => b.Image).ToList(), slots));
        var table = new TextTable("Service", "Image", "Image ID", "Time");
        foreach (var image in context.BuiltImages)
        {
            table.Add(image.Service.Name, image.Reference, image.Id.Short, RunReport.Text(image.Outcome));
        }

        context.LogTable(table);
        if (cache.Save() is { } problem)
        {
            context.Log.Warning("DockerBuild: could not save the build-input cache {0} ({1}); every run builds again until it can. Make it a writable file, or remove it.", cache.Path, problem);
        }

        var failures = outcomes.OfType<BuildOutcome.Failed>().ToList();
        if (failures.Count > 0)
        {
            // The same cause (a daemon gone, a registry down, a file missing from each context) is said once, naming
            // every service it stopped, with the first one's last lines (the others differ only in layer IDs).
            throw new PipelineException(string.Join("\n", failures
                .GroupBy(f => f.Cause)
                .Select(g => $"docker build of {string.Join(", ", g.Select(f => f.Service.Name))} failed{g.First().Message}")));
        }
    }

    public IEnumerable<string> DescribePlan(BuildContext context)
    {
        var root = context.Environment.WorkingDirectory.FullPath;
        foreach (var service in context.Config.Services)
        {
            var options = string.Concat(service.BuildOptions().Select(o => $" --{o[..o.IndexOf('=')]} {o[(o.IndexOf('=') + 1)..]}"));
            yield return $"DockerBuild: {service.Name}: docker build --file {Path.GetRelativePath(root, service.Dockerfile)}{options} {Path.GetRelativePath(root, service.Context)} " +
                $"-> {service.Image}:latest and {service.Image}:id-<first 16 hex digits of the image ID>, unless its inputs did not change";
        }
    }

    private static List<string> BaseImages(IEnumerable<BuildContent?> contents) =>
        contents.OfType<BuildContent>().SelectMany(c => c.BaseImages).Distinct().ToList();

    /// <summary>
    /// Remembers which image each build made from its inputs. A build whose base image was not local before it (docker
    /// pulled it) has its digest only now: one more <c>docker image inspect</c> of those base images completes it, so the
    /// next run with nothing changed builds nothing.
    /// </summary>
    private static void Remember(BuildContext context, ToolEnvironment environment, BuildInputCache cache, BuildContent?[] contents, string?[] digests, BuildOutcome[] outcomes)
    {
        var built = outcomes.Select((o, i) => (Outcome: o as BuildOutcome.Built, Index: i)).Where(b => b.Outcome is { Image.Reused: false }).ToList();
        var pulled = built.Where(b => digests[b.Index] is null && contents[b.Index] is not null).ToList();
        var baseIds = pulled.Count == 0 ? new Dictionary<string, ImageId>() : context.DockerImageIds(environment, BaseImages(pulled.Select(p => contents[p.Index])));
        foreach (var (outcome, index) in built)
        {
            var digest = digests[index] ?? (contents[index] is { } content ? BuildInputs.WithBaseImages(content, baseIds) : null);
            if (digest is not null)
            {
                cache.Remember(outcome!.Image.Service.Image, digest, outcome.Image.Id);
            }
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

    /// <summary>Uses the image an earlier build made from the same inputs, with both tags a build would leave.</summary>
    private static BuildOutcome Reuse(BuildContext context, ToolEnvironment environment, BuiltImage image, string[] missingTags)
    {
        foreach (var tag in missingTags)
        {
            context.DockerTagImage(environment, image.Id, tag);
        }

        context.LogLine(image.Service.Name, $"inputs unchanged since the build of {image.Id.Short}: not rebuilt.");
        var report = context.Report.For(image.Service.Name);
        report.Image = image;
        report.Build = image.Outcome;
        return new BuildOutcome.Built(image);
    }

    /// <summary>Builds one image; a failing build is returned (so the others finish), anything else thrown.</summary>
    private static BuildOutcome Build(BuildContext context, ToolEnvironment environment, ServiceConfig service, Registry.RegistryAddress? registry)
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
            report.Image = image;
            report.Build = image.Outcome;
            return new BuildOutcome.Built(image);
        }
        catch (CakeException)
        {
            report.Build = new(BuildState.Failed);
            lock (lastLines)
            {
                var quoted = lastLines.Where(l => l.Trim().Length > 0).ToList();
                return new BuildOutcome.Failed(service, quoted.Count == 0 ? "." : ":\n  " + string.Join("\n  ", quoted), quoted.LastOrDefault()?.Trim() ?? "");
            }
        }
        catch (ToolTimeoutException timeout)
        {
            report.Build = new(BuildState.Failed);
            return new BuildOutcome.Failed(service, $": {timeout.Message}", timeout.Message);
        }
    }
}
