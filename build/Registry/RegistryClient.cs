using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace Build.Registry;

/// <summary>What the registry said to a <c>GET /v2/</c>.</summary>
public enum RegistryAccess
{
    /// <summary>It answers and lets us in (anonymously, or with the credentials).</summary>
    Open,

    /// <summary>It wants a login and there are no credentials for it.</summary>
    NeedsLogin,

    /// <summary>It refused the credentials.</summary>
    Denied,
}

/// <summary>
/// The bit of the registry HTTP API (distribution v2) the build asks itself, so that it needs no process per image:
/// does the registry answer and let us in, and which manifest digest a tag has. Plain HTTP for a registry on
/// loopback (as docker treats it), HTTPS otherwise; Basic credentials, or a Bearer token got with them.
/// </summary>
public sealed class RegistryClient(RegistryAddress registry, RegistryCredentials? credentials, TimeSpan timeout) : IDisposable
{
    private static readonly string[] ManifestTypes =
    [
        "application/vnd.docker.distribution.manifest.v2+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.oci.image.index.v1+json",
    ];

    private readonly HttpClient _http = new() { Timeout = timeout, BaseAddress = new Uri($"{(registry.IsLoopback ? "http" : "https")}://{registry.Host}/") };
    private readonly SemaphoreSlim _answering = new(1, 1);
    private AuthenticationHeaderValue? _authorization;

    public async Task<RegistryAccess> CheckAsync(CancellationToken cancellation)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, "v2/"), cancellation);
        return response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => credentials is null ? RegistryAccess.NeedsLogin : RegistryAccess.Denied,
            HttpStatusCode.Forbidden => RegistryAccess.Denied,
            _ when response.IsSuccessStatusCode => RegistryAccess.Open,
            var status => throw new HttpRequestException($"GET /v2/ answered {(int)status} {status}"),
        };
    }

    /// <summary>The digest of <paramref name="repository"/>:<paramref name="tag"/> (repository without the host), or null when the registry does not have it.</summary>
    public async Task<string?> ManifestDigestAsync(string repository, string tag, CancellationToken cancellation)
    {
        using var response = await SendAsync(
            () => WithManifestTypes(new HttpRequestMessage(HttpMethod.Head, $"v2/{repository}/manifests/{tag}")),
            cancellation);
        return response.StatusCode switch
        {
            HttpStatusCode.NotFound => null,
            _ when response.IsSuccessStatusCode && response.Headers.TryGetValues("Docker-Content-Digest", out var digest) => digest.First(),
            var status => throw new HttpRequestException($"HEAD /v2/{repository}/manifests/{tag} answered {(int)status} {status}"),
        };
    }

    /// <summary>The tags of <paramref name="repository"/> (<c>GET /v2/REPO/tags/list</c>); empty when the registry has no such repository.</summary>
    public async Task<IReadOnlyList<string>> TagsAsync(string repository, CancellationToken cancellation)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, $"v2/{repository}/tags/list"), cancellation);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return [];
        }

        response.EnsureSuccessStatusCode();
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellation));
        return body?["tags"]?.AsArray().Select(t => (string?)t).OfType<string>().ToList() ?? [];
    }

    /// <summary>
    /// A manifest as the registry serves it with the Accept headers docker sends (without them distribution may
    /// convert it and answer another digest): the digest to delete it by (<c>Docker-Content-Digest</c>), the config
    /// digest (the image ID; null for an index) and the sum of its blobs' sizes. Null when the registry does not have it.
    /// </summary>
    public async Task<(string Digest, string? Config, long Size)?> ManifestAsync(string repository, string reference, CancellationToken cancellation)
    {
        using var response = await SendAsync(() => WithManifestTypes(new HttpRequestMessage(HttpMethod.Get, $"v2/{repository}/manifests/{reference}")), cancellation);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellation));
        var digest = response.Headers.TryGetValues("Docker-Content-Digest", out var values) ? values.First() : throw new HttpRequestException($"GET /v2/{repository}/manifests/{reference} answered no Docker-Content-Digest");
        var size = (body?["config"]?["size"]?.GetValue<long>() ?? 0) + (body?["layers"]?.AsArray().Sum(l => l?["size"]?.GetValue<long>() ?? 0) ?? 0);
        return (digest, (string?)body?["config"]?["digest"], size);
    }

    /// <summary>
    /// <c>DELETE /v2/REPO/manifests/DIGEST</c>: the manifest and every tag on it. True when deleted (202); false when
    /// the registry does not allow deletes (405, distribution's <c>UNSUPPORTED</c>).
    /// </summary>
    public async Task<bool> DeleteManifestAsync(string repository, string digest, CancellationToken cancellation)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Delete, $"v2/{repository}/manifests/{digest}"), cancellation);
        return response.StatusCode switch
        {
            HttpStatusCode.Accepted or HttpStatusCode.OK or HttpStatusCode.NotFound => true,
            HttpStatusCode.MethodNotAllowed => false,
            var status => throw new HttpRequestException($"DELETE /v2/{repository}/manifests/{digest} answered {(int)status} {status}"),
        };
    }

    private static HttpRequestMessage WithManifestTypes(HttpRequestMessage request)
    {
        foreach (var type in ManifestTypes)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
        }

        return request;
    }

    public void Dispose()
    {
        _http.Dispose();
        _answering.Dispose();
    }

    /// <summary>
    /// Sends the request; on 401 answers the registry's challenge (Basic, or a Bearer token) and sends it again. Requests
    /// run in parallel, so the answer is made once and shared.
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> create, CancellationToken cancellation)
    {
        var sentWith = _authorization;
        using (var request = create())
        {
            request.Headers.Authorization = sentWith;
            var response = await _http.SendAsync(request, cancellation);
            if (response.StatusCode != HttpStatusCode.Unauthorized || credentials is null)
            {
                return response;
            }

            await _answering.WaitAsync(cancellation);
            try
            {
                if (_authorization == sentWith)
                {
                    _authorization = await AnswerAsync(response.Headers.WwwAuthenticate.FirstOrDefault(), cancellation);
                }
            }
            finally
            {
                _answering.Release();
                response.Dispose();
            }
        }

        using var retry = create();
        retry.Headers.Authorization = _authorization;
        return await _http.SendAsync(retry, cancellation);
    }

    private async Task<AuthenticationHeaderValue?> AnswerAsync(AuthenticationHeaderValue? challenge, CancellationToken cancellation)
    {
        var basic = new AuthenticationHeaderValue("Basic", credentials!.Auth);
        if (challenge is null || !challenge.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return basic;
        }

        var fields = (challenge.Parameter ?? "").Split(',')
            .Select(part => part.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0].Trim(), pair => pair[1].Trim().Trim('"'), StringComparer.OrdinalIgnoreCase);
        if (!fields.TryGetValue("realm", out var realm))
        {
            return basic;
        }

        var query = string.Join("&", new[] { "service", "scope" }.Where(fields.ContainsKey).Select(k => $"{k}={Uri.EscapeDataString(fields[k])}"));
        using var tokenRequest = new HttpRequestMessage(HttpMethod.Get, query.Length == 0 ? realm : $"{realm}?{query}");
        tokenRequest.Headers.Authorization = basic;
        using var tokenResponse = await _http.SendAsync(tokenRequest, cancellation);
        var body = JsonNode.Parse(await tokenResponse.Content.ReadAsStringAsync(cancellation));
        var token = body?["token"]?.GetValue<string>() ?? body?["access_token"]?.GetValue<string>();
        return token is null ? basic : new AuthenticationHeaderValue("Bearer", token);
    }
}
