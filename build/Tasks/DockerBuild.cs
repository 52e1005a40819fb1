using Build.Configuration;
using Build.Docker;
using Build.Infrastructure;
using Build.Tools;
using Cake.Core.Diagnostics;
using Cake.Frosting;

namespace Build.Tasks;

[TaskName("DockerBuild")]
[IsDependentOn(typeof(CredsFallback))]
[TaskDescription("Builds the services' images in parallel and tags each <image>:latest and <image>:id-<image ID>.")]
public sealed class DockerBuild : AsyncFrostingTask<BuildContext>
{
    private const int QuotedLines = 12;

    public override async Task RunAsync(BuildContext context)
    {
        var services = context.Config.Services;
        var cache = new BuildInputCache(BuildInputCache.DefaultPath);
        using var slots = new SemaphoreSlim(context.Settings.Parallelism ?? services.Count);
        var outcomes = await Task.WhenAll(services.Select(async service =>
        {
            await slots.WaitAsync();
            try
            {
                return await Task.Run(() => Build(context, service, cache));
            }
            finally
            {
                slots.Release();
            }
        }));

        var built = outcomes.OfType<BuiltImage>().ToList();
        context.BuiltImages.AddRange(built);
        foreach (var image in built)
        {
            context.Report.For(image.Service.Name).Image = image;
        }

        var table = new TextTable("Service", "Image", "Image ID", "Time");
        foreach (var image in built)
        {
            table.Add(image.Service.Name, image.Reference, BuiltImage.Hex(image.ImageId)[..12], image.BuildTime);
        }

        context.LogTable(table);
        if (cache.Save() is { } problem)
        {
            context.Log.Verbose("DockerBuild: could not save {0} ({1}); the next run builds again.", cache.Path, problem);
        }

        var failures = outcomes.OfType<ToolFailedException>().ToList();
        if (failures.Count > 0)
        {
            throw new PipelineException(string.Join("\n", failures.Select(f => f.Message)));
        }
    }

    /// <summary>Builds one image; a failing build is returned (so the others finish), anything else thrown.</summary>
    private static object Build(BuildContext context, ServiceConfig service, BuildInputCache cache)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var digest = BuildInputs.Digest(service, context.DockerImageId);
        if (digest is not null && cache.ImageFor(service.Image, digest) is { } known && Reuse(context, service, known, clock) is { } reused)
        {
            return reused;
        }

        var iidFile = Path.Combine(Path.GetTempPath(), $"coinpilot-iid-{Guid.NewGuid():N}");
        try
        {
            context.DockerBuild(
                new DockerImageBuildSettings
                {
                    File = service.Dockerfile,
                    Tag = [$"{service.Image}:latest"],
                    Iidfile = iidFile,
                },
                service.Context,
                new ToolRun
                {
                    OnOutputLine = line => context.LogLine(service.Name, line),
                    OnErrorLine = line => context.LogLine(service.Name, line),
                    QuotedLines = QuotedLines,
                });
            var image = new BuiltImage(service, File.ReadAllText(iidFile).Trim(), clock.Elapsed);
            context.DockerTag(image.ImageId, image.Reference);
            if (digest is not null)
            {
                cache.Remember(service.Image, digest, image.ImageId);
            }

            return image;
        }
        catch (ToolFailedException failure)
        {
            return new ToolFailedException(
                failure.Result with { CommandLine = $"docker build of {service.Name} ({service.Dockerfile})" }, QuotedLines);
        }
        finally
        {
            File.Delete(iidFile);
        }
    }

    /// <summary>
    /// Uses the image an earlier build made from the same inputs, if the daemon still has it, with both tags a
    /// build would have left (:latest and id-).
    /// </summary>
    private static BuiltImage? Reuse(BuildContext context, ServiceConfig service, string imageId, System.Diagnostics.Stopwatch clock)
    {
        var image = new BuiltImage(service, imageId, TimeSpan.Zero) { Reused = true };
        var present = context.DockerImageIds(imageId, image.LatestReference, image.Reference);
        if (!present.ContainsKey(imageId))
        {
            return null;
        }

        foreach (var tag in new[] { image.LatestReference, image.Reference }.Where(tag => present.GetValueOrDefault(tag) != imageId))
        {
            context.DockerTag(imageId, tag);
        }

        context.LogLine(service.Name, $"inputs unchanged since the build of {BuiltImage.Hex(imageId)[..12]}: not rebuilt.");
        return image with { Duration = clock.Elapsed };
    }
}
