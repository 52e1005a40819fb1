using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace ClusterSim.Node;

/// <summary>What one pull did: the image (and the tag it was pulled by) or the docker daemon's error message.</summary>
internal sealed record PullOutcome(NodeImage? Image, string? Tag, string? Error, TimeSpan Took);

/// <summary>
/// How the node's Docker daemon pulls an image from a registry over the distribution API (HTTP only: registries on
/// loopback are insecure registries to docker), as dockerd 20.10 was seen to do against distribution 2.8:
/// GET /v2/ for the auth challenge, the manifest by tag (or digest) with the Accept headers docker sends, a
/// manifest list or OCI index resolved to linux/amd64, then the config blob, whose digest is the image ID.
/// Layers are not downloaded. The errors are the daemon's, recorded from `docker pull` against Debian's
/// docker-registry with htpasswd (see tests/ClusterSim/README.md):
///   no credentials:    Error response from daemon: Head "http://H/v2/R/manifests/T": no basic auth credentials
///   wrong credentials: Error response from daemon: unauthorized: authentication required
///   unknown tag:       Error response from daemon: manifest for H/R:T not found: manifest unknown: manifest unknown
///   nothing listening: Error response from daemon: Get "http://H/v2/": dial tcp H: connect: connection refused
/// </summary>
internal sealed class RegistryPuller : IDisposable
{
    private const string ManifestV2 = "application/vnd.docker.distribution.manifest.v2+json";
    private const string ManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
    private const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    private const string OciIndex = "application/vnd.oci.image.index.v1+json";

    private readonly HttpClient http = new(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(10), UseProxy = false })
    {
        Timeout = TimeSpan.FromSeconds(60),
    };

    /// <summary>Registries the simulated node can reach: those on this machine's loopback (with a port).</summary>
    public static bool Reaches(ImageReference reference)
    {
        var domain = reference.Domain;
        var colon = domain.LastIndexOf(':');
        var host = colon > 0 ? domain[..colon] : domain;
        return colon > 0 && host is "127.0.0.1" or "localhost" or "[::1]";
    }

    /// <summary>The kubelet's pull: with each matching credential in turn until one works, or without any.</summary>
    public async Task<PullOutcome> PullAsync(string image, IReadOnlyList<RegistryCredential> credentials, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        var reference = ImageReference.Parse(image).WithDefaultTag();
        var matching = credentials.Where(c => PullSecrets.Matches(c.Registry, reference.Domain)).Cast<RegistryCredential?>().DefaultIfEmpty(null).ToList();
        var errors = new List<string>();
        foreach (var credential in matching)
        {
            try
            {
                var pulled = await PullWithAsync(reference, credential, cancel);
                return new PullOutcome(pulled, reference.Tag is null ? null : reference.ToString(), null, clock.Elapsed);
            }
            catch (PullException e)
            {
                errors.Add("Error response from daemon: " + e.Message);
            }
        }

        // utilerrors.NewAggregate: one error prints as itself, several as [a, b].
        var error = errors.Count == 1 ? errors[0] : $"[{string.Join(", ", errors)}]";
        return new PullOutcome(null, null, error, clock.Elapsed);
    }

    private async Task<NodeImage> PullWithAsync(ImageReference reference, RegistryCredential? credential, CancellationToken cancel)
    {
        var registry = $"http://{reference.Domain}";
        var name = reference.Path;
        var target = reference.Digest ?? reference.Tag!;
        var manifestUrl = $"{registry}/v2/{name}/manifests/{target}";
        var auth = credential is null ? null
            : new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credential.Username}:{credential.Password}")));

        using (var ping = await SendAsync(HttpMethod.Get, $"{registry}/v2/", null, null, cancel))
        {
            if (ping.StatusCode == HttpStatusCode.Unauthorized)
            {
                var challenge = ping.Headers.WwwAuthenticate.FirstOrDefault()?.Scheme ?? "";
                if (!challenge.Equals("Basic", StringComparison.OrdinalIgnoreCase))
                {
                    throw new PullException($"clustersim simulates registries with Basic auth only, and {reference.Domain} asks for {challenge}");
                }

                if (auth is null)
                {
                    var verb = reference.Digest is null ? "Head" : "Get";
                    throw new PullException($"{verb} \"{manifestUrl}\": no basic auth credentials");
                }
            }
        }

        var (manifest, manifestDigest) = await ManifestAsync(reference, manifestUrl, auth, cancel);
        if (manifest.Str("mediaType") is ManifestList or OciIndex || manifest["manifests"] is JsonArray)
        {
            var platform = manifest.Arr("manifests").Objects().FirstOrDefault(m => m.Str("platform", "os") == "linux" && m.Str("platform", "architecture") == "amd64")
                ?? throw new PullException($"no matching manifest for linux/amd64 in the manifest list entries");
            (manifest, _) = await ManifestAsync(reference, $"{registry}/v2/{name}/manifests/{platform.Str("digest")}", auth, cancel);
        }

        var configDigest = manifest.Str("config", "digest") ?? throw new PullException($"manifest for {reference} has no config");
        using var blob = await SendAsync(HttpMethod.Get, $"{registry}/v2/{name}/blobs/{configDigest}", auth, null, cancel);
        if (blob.StatusCode != HttpStatusCode.OK)
        {
            throw new PullException(await ErrorAsync(blob, cancel));
        }

        var configBytes = await blob.Content.ReadAsByteArrayAsync(cancel);
        if ("sha256:" + Convert.ToHexStringLower(SHA256.HashData(configBytes)) != configDigest)
        {
            throw new PullException($"filesystem layer verification failed for digest {configDigest}");
        }

        var config = JsonNode.Parse(configBytes) as JsonObject ?? new JsonObject();
        var size = manifest.Arr("layers").Objects().Sum(l => l.Long("size") ?? 0);
        return new NodeImage(
            configDigest,
            size,
            config.StringMap("config", "Labels"),
            Json.ParseTime(config.Str("created")) ?? DateTimeOffset.UnixEpoch,
            [$"{reference.Repository}@{manifestDigest}"]);
    }

    private async Task<(JsonObject Manifest, string Digest)> ManifestAsync(ImageReference reference, string url, AuthenticationHeaderValue? auth, CancellationToken cancel)
    {
        using var response = await SendAsync(HttpMethod.Get, url, auth, [ManifestV2, ManifestList, OciManifest, OciIndex], cancel);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            var error = await ErrorAsync(response, cancel);
            throw new PullException(error.StartsWith("manifest unknown", StringComparison.Ordinal)
                ? $"manifest for {reference} not found: {error}"
                : error);
        }

        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new PullException(await ErrorAsync(response, cancel));
        }

        var bytes = await response.Content.ReadAsByteArrayAsync(cancel);
        var digest = response.Headers.TryGetValues("Docker-Content-Digest", out var values) ? values.First()
            : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));
        return (JsonNode.Parse(bytes) as JsonObject ?? throw new PullException($"the manifest of {reference} is not a JSON object"), digest);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, AuthenticationHeaderValue? auth, string[]? accept, CancellationToken cancel)
    {
        using var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = auth;
        foreach (var type in accept ?? [])
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
        }

        try
        {
            return await http.SendAsync(request, cancel);
        }
        catch (HttpRequestException e)
        {
            var uri = new Uri(url);
            var why = e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused } ? "connect: connection refused" : e.Message;
            throw new PullException($"{(method == HttpMethod.Head ? "Head" : "Get")} \"{url}\": dial tcp {uri.Authority}: {why}");
        }
        catch (TaskCanceledException) when (!cancel.IsCancellationRequested)
        {
            throw new PullException($"Get \"{url}\": net/http: request canceled (Client.Timeout exceeded while awaiting headers)");
        }
    }

    /// <summary>distribution's errcode: the first error of the body as "code in lower case with spaces: message".</summary>
    private static async Task<string> ErrorAsync(HttpResponseMessage response, CancellationToken cancel)
    {
        try
        {
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancel));
            if (body.Arr("errors").Objects().FirstOrDefault() is { } first)
            {
                return $"{(first.Str("code") ?? "unknown").ToLowerInvariant().Replace('_', ' ')}: {first.Str("message")}";
            }
        }
        catch (System.Text.Json.JsonException)
        {
            // Not an errcode body; fall through to the status line.
        }

        return $"received unexpected HTTP status: {(int)response.StatusCode} {response.ReasonPhrase}";
    }

    public void Dispose() => http.Dispose();

    private sealed class PullException(string message) : Exception(message);
}
