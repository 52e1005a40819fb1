using System.Text.Json;
using System.Text.Json.Nodes;
using Build.Configuration;
using Build.Minikube;
using Build.Tools;
using Cake.Core;
using Cake.Docker;

namespace Build.Docker;

/// <summary>The docker client's version, and the daemon's (null, with the reason, when it does not answer).</summary>
public sealed record DockerVersions(string Client, string? Server, string? Problem);

/// <summary>
/// What the build asks of docker, as verbs over the Cake.Docker aliases (so tasks say <c>DockerBuildImage(service)</c>,
/// not argument strings). Each takes the environment the docker process runs with and gives it a deadline.
/// </summary>
public static class DockerContextExtensions
{
    /// <summary>A build only has to finish; this bounds a daemon that hangs.</summary>
    public static readonly TimeSpan BuildDeadline = TimeSpan.FromMinutes(30);

    private static readonly TimeSpan QuickCommand = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Builds a service's image (tagged <c>:latest</c>) and returns its ID. Every output line goes to
    /// <paramref name="onLine"/>, except the legacy builder's deprecation notice. A failure throws
    /// <see cref="CakeException"/>; the lines seen so far say why.
    /// </summary>
    public static ImageId DockerBuildImage(this ICakeContext context, ServiceConfig service, ToolEnvironment environment, Action<string> onLine)
    {
        var iidFile = Path.Combine(Path.GetTempPath(), $"coinpilot-iid-{Guid.NewGuid():N}");
        var (outNotice, errorNotice) = (new LegacyBuilderNotice(), new LegacyBuilderNotice());
        var settings = environment.ApplyTo(new DockerImageBuildSettings
        {
            File = service.Dockerfile,
            Tag = [$"{service.Image}:latest"],
            Iidfile = iidFile,
            Target = service.Target,
            Platform = service.Platform,
            BuildArg = [.. service.BuildArgs.Select(a => $"{a.Key}={a.Value}")],
            ToolTimeout = BuildDeadline,
        });
        settings.SetupProcessSettings = process =>
        {
            process.RedirectStandardOutput = process.RedirectStandardError = true;
            process.RedirectedStandardOutputHandler = line => Pass(line, outNotice, onLine);
            process.RedirectedStandardErrorHandler = line => Pass(line, errorNotice, onLine);
        };
        try
        {
            context.DockerBuild(settings, service.Context);
            return ImageId.Parse(File.ReadAllText(iidFile));
        }
        finally
        {
            File.Delete(iidFile);
        }
    }

    /// <summary>A line of build output for the log: not the deprecation notice, not an empty line.</summary>
    private static string Pass(string? line, LegacyBuilderNotice notice, Action<string> onLine)
    {
        if (line is not null && !notice.Swallows(line) && line.Trim().Length > 0)
        {
            onLine(line.TrimEnd('\r'));
        }

        return line!;
    }

    /// <summary>
    /// <c>docker login --username U --password-stdin HOST</c> into the docker config of <paramref name="environment"/>:
    /// the password goes to standard input, never into argv or a log.
    /// </summary>
    public static void DockerLoginWithStdin(this ICakeContext context, ToolEnvironment environment, string host, string username, string password)
    {
        var settings = environment.ApplyTo(new DockerRegistryLoginSettings { Username = username, PasswordStdin = true, ToolTimeout = QuickCommand });
        settings.SetupProcessSettings = process => process.StandardInput = new Cake.Core.IO.ProcessStandardInput(System.Text.Encoding.UTF8.GetBytes(password));
        context.DockerLogin(settings, host);
    }

    /// <summary><c>docker push REFERENCE</c>; returns the manifest digest docker reports (<c>sha256:...</c>).</summary>
    public static string DockerPushImage(this ICakeContext context, ToolEnvironment environment, string reference, Action<string> onLine)
    {
        string? digest = null;
        var settings = environment.ApplyTo(new DockerImagePushSettings { ToolTimeout = BuildDeadline });
        settings.SetupProcessSettings = process =>
        {
            process.RedirectStandardOutput = process.RedirectStandardError = true;
            process.RedirectedStandardOutputHandler = process.RedirectedStandardErrorHandler = line =>
            {
                if (line is not null && line.Trim().Length > 0)
                {
                    // "id-0123456789abcdef: digest: sha256:... size: 527"
                    var at = line.IndexOf(" digest: sha256:", StringComparison.Ordinal);
                    if (at >= 0)
                    {
                        digest = line[(at + " digest: ".Length)..].Split(' ')[0];
                    }

                    onLine(line);
                }

                return line!;
            };
        };
        context.DockerPush(settings, reference);
        return digest ?? throw new CakeException($"docker push {reference} printed no digest.");
    }

    /// <summary>
    /// <c>docker tag IMAGE REFERENCE</c>. Cake.Docker's <c>DockerTag</c> takes no settings, so no environment or deadline:
    /// the tag goes through <c>DockerCustomCommand</c>, which does.
    /// </summary>
    public static void DockerTagImage(this ICakeContext context, ToolEnvironment environment, ImageId image, string reference) =>
        context.DockerCustomCommand(environment.ApplyTo(new DockerCustomCommandSettings { ToolTimeout = QuickCommand }), $"tag {image} {reference}");

    /// <summary>
    /// The ID of each of <paramref name="references"/> (tags, digests or image IDs) the daemon has, with one
    /// <c>docker image inspect</c> for all of them. Those it lacks are left out.
    /// </summary>
    public static IReadOnlyDictionary<string, ImageId> DockerImageIds(this ICakeContext context, ToolEnvironment environment, IReadOnlyCollection<string> references)
    {
        if (references.Count == 0)
        {
            return new Dictionary<string, ImageId>();
        }

        var (settings, errors) = WithErrorsKept(environment.ApplyTo(new DockerCustomCommandSettings { ToolTimeout = QuickCommand, HandleExitCode = code => code is 0 or 1 }));
        var output = string.Join('\n', context.DockerCustomCommand(settings, "image inspect " + string.Join(' ', references)));
        var unexpected = errors.Where(e => e.Trim().Length > 0 && !e.Contains("No such image", StringComparison.OrdinalIgnoreCase)).ToList();
        if (unexpected.Count > 0)
        {
            throw new CakeException($"docker image inspect failed:\n  {string.Join("\n  ", unexpected.TakeLast(4))}");
        }

        return Match(references, output);
    }

    /// <summary>Which reference each inspected image answers to (its ID, a tag or a digest), from <c>docker image inspect</c>'s JSON.</summary>
    public static IReadOnlyDictionary<string, ImageId> Match(IEnumerable<string> references, string inspectJson)
    {
        var images = new List<(ImageId Id, HashSet<string> Names)>();
        try
        {
            foreach (var image in (JsonNode.Parse(inspectJson.Trim() is { Length: > 0 } text ? text : "[]") as JsonArray ?? []).OfType<JsonObject>())
            {
                var names = new[] { "RepoTags", "RepoDigests" }
                    .SelectMany(field => image[field]?.AsArray().Select(n => n?.GetValue<string>()).OfType<string>() ?? [])
                    .Select(ImageReference.Normalize)
                    .ToHashSet(StringComparer.Ordinal);
                images.Add((ImageId.Parse(image["Id"]?.GetValue<string>() ?? ""), names));
            }
        }
        catch (Exception exception) when (exception is JsonException or FormatException or InvalidOperationException)
        {
            throw new CakeException($"docker image inspect printed something that is not its JSON list ({exception.Message}).");
        }

        var found = new Dictionary<string, ImageId>(StringComparer.Ordinal);
        foreach (var reference in references)
        {
            var match = ImageId.TryParse(reference, out var id) && reference.Contains("sha256:", StringComparison.Ordinal) && !reference.Contains('@')
                ? images.FirstOrDefault(i => i.Id == id)
                : images.FirstOrDefault(i => i.Names.Contains(ImageReference.Normalize(reference)));
            if (match.Names is not null)
            {
                found[reference] = match.Id;
            }
        }

        return found;
    }

    /// <summary>Every tag the daemon has, as <c>REPOSITORY:TAG</c> lines (<c>docker image ls</c>, no dangling images).</summary>
    public static IReadOnlyList<string> DockerImageTags(this ICakeContext context, ToolEnvironment environment, TimeSpan deadline) =>
        context.DockerCustomCommand(environment.ApplyTo(new DockerCustomCommandSettings { ToolTimeout = deadline }), "image ls --format {{.Repository}}:{{.Tag}}")
            .Where(line => line.Trim().Length > 0 && !line.EndsWith(":<none>", StringComparison.Ordinal))
            .ToList();

    /// <summary><c>docker image inspect</c>'s JSON for the given images (those the daemon lacks are left out).</summary>
    public static JsonArray DockerImageInspect(this ICakeContext context, ToolEnvironment environment, IReadOnlyCollection<string> images, TimeSpan deadline)
    {
        if (images.Count == 0)
        {
            return [];
        }

        var settings = environment.ApplyTo(new DockerCustomCommandSettings { ToolTimeout = deadline, HandleExitCode = code => code is 0 or 1 });
        var output = string.Join('\n', context.DockerCustomCommand(settings, "image inspect " + string.Join(' ', images))).Trim();
        return JsonNode.Parse(output.Length > 0 ? output : "[]") as JsonArray ?? [];
    }

    /// <summary>
    /// <c>docker rmi REFERENCE...</c> without <c>--force</c>: the daemon removes each tag it may (the image too once it
    /// has none left) and refuses a tag a container uses. Returns the references untagged and docker's error lines.
    /// </summary>
    public static (IReadOnlyList<string> Untagged, IReadOnlyList<string> Errors) DockerRemoveImages(this ICakeContext context, ToolEnvironment environment, IReadOnlyCollection<string> references, TimeSpan deadline)
    {
        var (settings, errors) = WithErrorsKept(environment.ApplyTo(new DockerCustomCommandSettings { ToolTimeout = deadline, HandleExitCode = code => code is 0 or 1 }));
        var output = context.DockerCustomCommand(settings, "rmi " + string.Join(' ', references));
        var untagged = output.Where(l => l.StartsWith("Untagged: ", StringComparison.Ordinal)).Select(l => l["Untagged: ".Length..].Trim()).ToList();
        return (untagged, errors.Where(e => e.Trim().Length > 0).ToList());
    }

    /// <summary>
    /// The docker client's version, and the daemon's: null, with docker's words for why, when it does not answer
    /// within <paramref name="deadline"/>. Throws <see cref="ToolNotFoundException"/> when there is no docker CLI.
    /// </summary>
    public static DockerVersions DockerVersion(this ICakeContext context, ToolEnvironment environment, TimeSpan deadline)
    {
        var (settings, errors) = WithErrorsKept(environment.ApplyTo(new DockerCustomCommandSettings { ToolTimeout = deadline, HandleExitCode = _ => true }));
        try
        {
            var parts = string.Concat(context.DockerCustomCommand(settings, "version --format={{.Client.Version}}|{{.Server.Version}}")).Trim().Split('|');
            var server = parts.ElementAtOrDefault(1) is { Length: > 0 } version ? version : null;
            return new DockerVersions(parts[0], server, server is null ? errors.LastOrDefault(e => e.Trim().Length > 0)?.Trim() ?? "no answer" : null);
        }
        catch (ToolTimeoutException)
        {
            return new DockerVersions("", null, $"it did not answer within {deadline.TotalSeconds:0}s");
        }
    }

    /// <summary>The settings with docker's standard error collected (Cake.Docker's custom command returns only standard output).</summary>
    private static (DockerCustomCommandSettings Settings, List<string> Errors) WithErrorsKept(DockerCustomCommandSettings settings)
    {
        var errors = new List<string>();
        settings.SetupProcessSettings = process =>
        {
            process.RedirectStandardError = true;
            process.RedirectedStandardErrorHandler = line =>
            {
                if (line is not null)
                {
                    lock (errors)
                    {
                        errors.Add(line);
                    }
                }

                return line!;
            };
        };
        return (settings, errors);
    }

    /// <summary>Recognises the deprecation notice docker 23+ prints before every classic build, so it is not shown once per service.</summary>
    private sealed class LegacyBuilderNotice
    {
        private int _linesLeft;

        public bool Swallows(string line)
        {
            if (line.StartsWith("DEPRECATED: The legacy builder is deprecated", StringComparison.Ordinal))
            {
                _linesLeft = 3; // "Install the buildx component...", the link, an empty line
                return true;
            }

            if (_linesLeft > 0)
            {
                _linesLeft--;
                return true;
            }

            return false;
        }
    }
}
