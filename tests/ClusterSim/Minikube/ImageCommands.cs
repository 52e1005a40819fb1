using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using ClusterSim.Node;

namespace ClusterSim.Minikube;

/// <summary>
/// `minikube image load`, `image ls` and `image rm` as v1.38 does them on the docker runtime.
/// Load: each image is saved from the local daemon (the real docker CLI: `docker image inspect`, `docker save`)
/// into $MINIKUBE_HOME/cache/images/amd64, then, for a running node only, skipped when the node already has that
/// ID, else the node's tag is removed (`docker rmi`) and the archive streamed into the node's `docker load`.
/// Like the real one, a failure on the node (a tag held by a container, a stopped node) is only logged and the
/// command still exits 0 ("Live pushes are not considered a failure").
/// </summary>
internal static class ImageCommands
{
    public static readonly Flag[] LoadFlags =
    [
        new("daemon", IsBool: true), new("remote", IsBool: true), new("pull", IsBool: true), new("overwrite", IsBool: true, Default: "true"),
    ];

    public static readonly Flag[] ListFlags = [new("format", Default: "short")];

    private sealed record Cached(string Image, string Archive, string? DaemonId, long? Size);

    /// <summary>`minikube image load`; the time it spends saving and streaming images counts as the transfer (<see cref="CallCost"/>).</summary>
    public static async Task<int> LoadAsync(CliContext context, IReadOnlyList<string> images)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            return await TransferAsync(context, images);
        }
        finally
        {
            context.Cost.Transfer = clock.Elapsed;
        }
    }

    private static async Task<int> TransferAsync(CliContext context, IReadOnlyList<string> images)
    {
        if (images.Count == 0)
        {
            return context.Exit("MK_USAGE", MinikubeCli.ExUsage, "Please provide an image in your local daemon to load into minikube via <minikube image load IMAGE_NAME>");
        }

        if (context.Home.LoadConfig(context.Profile) is null)
        {
            return context.Exit("MK_USAGE", MinikubeCli.ExUsage, $"cluster \"{context.Profile}\" does not exist", issueLink: true);
        }

        var overwrite = context.Line.Get("overwrite") != "false";
        if (context.Line.IsTrue("pull"))
        {
            context.Log($"Failed to pull images for profile {context.Profile}: the node reaches no registry");
            return 0;
        }

        var daemon = context.Line.IsTrue("daemon");
        var remote = context.Line.IsTrue("remote");
        var local = !daemon && !remote && images.Any(i => i == "-" || i.StartsWith('/') || i.StartsWith('.') || File.Exists(i));
        if (local)
        {
            var archives = new List<string>();
            foreach (var image in images)
            {
                archives.Add(image == "-" ? await SaveStdinAsync() : image);
            }

            await PushAsync(context, archives.Select(a => new Cached(a, a, null, null)).ToList(), overwrite, removeExisting: false);
            return 0;
        }

        if (!daemon && !remote)
        {
            (daemon, remote) = (true, true);
        }

        var cached = new List<Cached>();
        foreach (var image in images)
        {
            var (entry, error) = await CacheAsync(context.Home, image, daemon, remote, overwrite);
            if (entry is null)
            {
                return context.Exit("GUEST_IMAGE_LOAD", MinikubeCli.ExGuestError, $"save to dir: caching images: caching image \"{CachePath(context.Home, image)}\": {error}", issueLink: true);
            }

            cached.Add(entry);
        }

        await PushAsync(context, cached, overwrite, removeExisting: true);
        return 0;
    }

    private static string CachePath(MinikubeHome home, string image) => Path.Combine(home.ImageCache, image.Replace(':', '_'));

    /// <summary>image.SaveToDir: take the image from the local daemon into the cache (kept when --overwrite=false).</summary>
    private static async Task<(Cached? Entry, string Error)> CacheAsync(MinikubeHome home, string image, bool daemon, bool remote, bool overwrite)
    {
        var archive = CachePath(home, image);
        string? id = null;
        long? size = null;
        var daemonError = "";
        if (daemon)
        {
            var inspect = await DockerCli.RunAsync("image", "inspect", "--format", "{{.Id}} {{.Size}}", image);
            if (inspect.ExitCode == 0)
            {
                var parts = inspect.Output.Trim().Split(' ');
                id = parts[0];
                size = parts.Length > 1 && long.TryParse(parts[1], CultureInfo.InvariantCulture, out var s) ? s : null;
            }
            else
            {
                daemonError = inspect.Error.Trim();
            }
        }

        if (id is null)
        {
            var reference = ImageReference.Parse(image).WithDefaultTag();
            var why = remote
                ? $"GET https://index.docker.io/v2/{reference.Path}/manifests/{reference.Tag}: dial tcp: lookup index.docker.io: no such host"
                : daemonError;
            return (null, $"write: error loading image: {why}");
        }

        if (overwrite || !File.Exists(archive))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(archive)!);
            var temporary = archive + ".tmp-" + Environment.ProcessId;
            var save = await DockerCli.RunAsync("save", "-o", temporary, image);
            if (save.ExitCode != 0)
            {
                File.Delete(temporary);
                return (null, $"write: {save.Error.Trim()}");
            }

            File.Move(temporary, archive, overwrite: true);
        }

        return (new Cached(image, archive, id, size), "");
    }

    /// <summary>machine.DoLoadImages for the profile's node; failures are logged, never returned.</summary>
    private static async Task PushAsync(CliContext context, IReadOnlyList<Cached> images, bool overwrite, bool removeExisting)
    {
        var (client, state) = await NodeClient.ConnectAsync(context.Home, context.Profile);
        using var node = client;
        if (node is null || state.Str("host") != "Running")
        {
            context.Log($"skipping loading images into {context.Profile}: the node is not running (it loads on next start)");
            return;
        }

        if (!overwrite && removeExisting)
        {
            var present = true;
            foreach (var image in images)
            {
                present &= await node.ImageIdAsync(image.Image) is not null;
            }

            if (present)
            {
                context.Log("Images are preloaded, skipping loading");
                return;
            }
        }

        var failed = false;
        foreach (var image in images)
        {
            if (removeExisting)
            {
                var onNode = await node.ImageIdAsync(image.Image);
                if (image.DaemonId is not null && onNode == image.DaemonId)
                {
                    context.Log($"\"{image.Image}\" exists at hash \"{image.DaemonId}\" in container runtime: skipping transfer");
                    continue;
                }

                var (status, message) = await node.RemoveImageAsync(image.Image);
                if (status == HttpStatusCode.Conflict)
                {
                    context.Log($"Failed to load cached images for \"{context.Profile}\": removing image: {message}");
                    failed = true;
                    continue;
                }
            }

            try
            {
                var result = await node.LoadImageAsync(image.Archive, image.Size);
                context.Log($"Transferred and loaded {image.Archive} ({result.Long("bytes")} bytes)");
            }
            catch (IOException e)
            {
                context.Log($"Failed to load cached images for \"{context.Profile}\": {e.Message}");
                failed = true;
            }
        }

        context.Log(failed ? $"failed pushing to: {context.Profile}" : $"succeeded pushing to: {context.Profile}");
    }

    /// <summary>
    /// `minikube image rm IMAGE...` as v1.38.1 does it (cmd/minikube/cmd/image.go, machine.RemoveImages): on a running
    /// node each image is removed with the runtime's own command, `docker rmi NAME` (crictl rmi on containerd and
    /// cri-o, which do not refuse an image in use); a failure is one warning naming the first failed command with
    /// its output, as the SSH runner words it, and the command still exits 0. A stopped node is skipped in silence.
    /// </summary>
    public static async Task<int> RemoveAsync(CliContext context, IReadOnlyList<string> images)
    {
        if (images.Count == 0)
        {
            throw new UsageException("requires at least 1 arg(s), only received 0");
        }

        if (context.Home.LoadConfig(context.Profile) is not { } config)
        {
            return context.Exit("MK_USAGE", MinikubeCli.ExUsage, $"loading profile: cluster \"{context.Profile}\" does not exist", issueLink: true);
        }

        var (client, state) = await NodeClient.ConnectAsync(context.Home, context.Profile);
        using var node = client;
        if (node is null || state.Str("host") != "Running")
        {
            context.Log("succeeded removing from: ");
            return 0;
        }

        var runtime = config.Str("KubernetesConfig", "ContainerRuntime") ?? "docker";
        context.Log($"removeImages start: [{string.Join(" ", images)}]");
        string? failure = null;
        foreach (var image in images)
        {
            var (status, message) = await node.RemoveImageAsync(image);
            if (status != HttpStatusCode.OK)
            {
                failure ??= runtime == "docker"
                    ? $"remove image docker: docker rmi {image}: Process exited with status 1\nstdout:\n\nstderr:\n{message}\n"
                    : CrictlFailure(image);
            }
        }

        if (failure is null)
        {
            context.Log("Successfully removed images");
            context.Log($"succeeded removing from: {context.Profile}");
            return 0;
        }

        context.Error.WriteLine($"! Failed to remove images for profile {context.Profile} error removing images: {failure}");
        context.Log($"failed removing from: {context.Profile}");
        return 0;
    }

    /// <summary>removeCRIImage's error: the first `crictl rmi` that failed, with crictl's logrus lines (cri-tools cmd/crictl/image.go).</summary>
    private static string CrictlFailure(string image)
    {
        var time = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        return $"crictl: sudo /usr/local/bin/crictl rmi {image}: Process exited with status 1\nstdout:\n\nstderr:\n"
            + $"time=\"{time}\" level=error msg=\"no such image {image}\"\ntime=\"{time}\" level=fatal msg=\"unable to remove the image(s)\"\n";
    }

    private static async Task<string> SaveStdinAsync()
    {
        var path = Path.Combine(Path.GetTempPath(), $"build.{Guid.NewGuid():N}.tar");
        await using var file = File.Create(path);
        await Console.OpenStandardInput().CopyToAsync(file);
        return path;
    }

    public static async Task<int> ListAsync(CliContext context)
    {
        if (context.Home.LoadConfig(context.Profile) is null)
        {
            return context.Exit("MK_USAGE", MinikubeCli.ExUsage, $"cluster \"{context.Profile}\" does not exist", issueLink: true);
        }

        var (client, state) = await NodeClient.ConnectAsync(context.Home, context.Profile);
        using var node = client;
        var images = node is not null && state.Str("host") == "Running" ? await node.ImagesAsync() : [];
        var runtime = context.Home.LoadConfig(context.Profile).Str("KubernetesConfig", "ContainerRuntime") ?? "docker";
        var listed = runtime == "docker" ? DockerImages(images) : CriImages(images);
        switch (context.Line.Get("format"))
        {
            case "json":
                context.Out.WriteLine(Json.Serialize(listed.Select(i => (JsonNode?)new JsonObject
                {
                    ["id"] = i.Id,
                    ["repoDigests"] = i.Digests.Select(d => (JsonNode?)d).ToJsonArray(),
                    ["repoTags"] = i.Tags.Select(t => (JsonNode?)t).ToJsonArray(),
                    ["size"] = i.Size,
                }).ToJsonArray()));
                break;
            case "yaml":
                foreach (var i in listed)
                {
                    var digests = i.Digests.Count == 0 ? " []\n" : "\n" + string.Concat(i.Digests.Select(d => $"  - {d}\n"));
                    var tags = i.Tags.Count == 0 ? " []\n" : "\n" + string.Concat(i.Tags.Select(t => $"  - {t}\n"));
                    context.Out.WriteLine($"- id: {i.Id}\n  repoDigests:{digests}  repoTags:{tags}  size: \"{i.Size}\"");
                }

                break;
            case "table":
                var rows = listed.SelectMany(i => i.Tags.Select(t =>
                {
                    var colon = t.LastIndexOf(':');
                    var id = i.Id.Replace("sha256:", "");
                    return new[] { t[..colon], t[(colon + 1)..], id[..Math.Min(13, id.Length)], DockerUnits.Human(long.Parse(i.Size, CultureInfo.InvariantCulture)) };
                })).ToList();
                context.Out.Write(ProfileCommand.RenderTable(["Image", "Tag", "Image ID", "Size"], rows));
                break;
            default:
                context.Out.WriteLine(string.Join("\n", listed.SelectMany(i => i.Tags).OrderDescending(StringComparer.Ordinal)));
                break;
        }

        return 0;
    }

    private sealed record Listed(string Id, IReadOnlyList<string> Digests, IReadOnlyList<string> Tags, string Size);

    /// <summary>
    /// Docker.ListImages: `docker images --no-trunc --format {{json .}}` on the node, one entry per repository:tag (an
    /// image with two tags is listed twice), the ID without "sha256:", the tag with docker.io/ added, no digests, and
    /// the size as `docker images` prints it (3 significant digits) read back to bytes.
    /// </summary>
    private static List<Listed> DockerImages(IReadOnlyList<JsonObject> images) =>
        images.SelectMany(i =>
        {
            var tags = i.Arr("tags")?.Select(t => t?.GetValue<string>() ?? "").ToList() is { Count: > 0 } named ? named : ["docker.io/library/<none>:<none>"];
            var size = DockerUnits.FromHuman(DockerUnits.Human(i.Long("size") ?? 0)).ToString(CultureInfo.InvariantCulture);
            return tags.Select(t => new Listed((i.Str("id") ?? "").Replace("sha256:", ""), [], [t], size));
        }).ToList();

    /// <summary>listCRIImages (containerd, cri-o): `crictl images -o json`, one entry per image, the ID with "sha256:", digests and size in bytes.</summary>
    private static List<Listed> CriImages(IReadOnlyList<JsonObject> images) =>
        images.Select(i => new Listed(
            i.Str("id") ?? "",
            i.Arr("repoDigests")?.Select(d => d?.GetValue<string>() ?? "").ToList() ?? [],
            i.Arr("tags")?.Select(t => t?.GetValue<string>() ?? "").ToList() ?? [],
            (i.Long("size") ?? 0).ToString(CultureInfo.InvariantCulture))).ToList();
}

/// <summary>docker/go-units: the human sizes `docker images` prints, and the parser minikube reads them back with.</summary>
internal static class DockerUnits
{
    private static readonly string[] Units = ["B", "kB", "MB", "GB", "TB", "PB"];

    public static string Human(long bytes)
    {
        double size = bytes;
        var unit = 0;
        while (size >= 1000 && unit < Units.Length - 1)
        {
            size /= 1000;
            unit++;
        }

        return size.ToString("G3", CultureInfo.InvariantCulture) + Units[unit];
    }

    public static long FromHuman(string text)
    {
        var unit = Units.Select((u, i) => (u, i)).Where(p => text.EndsWith(p.u, StringComparison.OrdinalIgnoreCase)).OrderByDescending(p => p.u.Length).First();
        var number = double.Parse(text[..^unit.u.Length], CultureInfo.InvariantCulture);
        return (long)(number * Math.Pow(1000, unit.i));
    }
}
