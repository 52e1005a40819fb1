using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using ClusterSim.Node;

namespace ClusterSim.Minikube;

/// <summary>How the minikube CLI reaches a profile's simulated node (found through profiles/NAME/clustersim.json).</summary>
internal sealed class NodeClient(string url) : IDisposable
{
    private readonly HttpClient http = new() { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(10) };

    /// <summary>The client for a profile whose simulation answers, or null (the node is down: the profile is stopped).</summary>
    public static async Task<(NodeClient? Client, JsonObject? State)> ConnectAsync(MinikubeHome home, string profile)
    {
        string url;
        try
        {
            url = JsonNode.Parse(await File.ReadAllTextAsync(home.NodeFile(profile))).Str("nodeUrl") ?? "";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            return (null, null);
        }

        var client = new NodeClient(url);
        try
        {
            using var response = await client.http.GetAsync("/state");
            return (client, JsonNode.Parse(await response.Content.ReadAsStringAsync()) as JsonObject);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            client.Dispose();
            return (null, null);
        }
    }

    public async Task<string?> ImageIdAsync(string reference)
    {
        using var response = await http.GetAsync($"/images/inspect?ref={Uri.EscapeDataString(reference)}");
        return response.IsSuccessStatusCode ? JsonNode.Parse(await response.Content.ReadAsStringAsync()).Str("id") : null;
    }

    /// <summary>`docker rmi REF` on the node: the status code (200, 404 no such image, 409 conflict) and the daemon's words.</summary>
    public async Task<(HttpStatusCode Status, string Message)> RemoveImageAsync(string reference)
    {
        using var response = await http.PostAsync($"/images/remove?ref={Uri.EscapeDataString(reference)}", null);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync()).Str("message") ?? "");
    }

    /// <summary>Streams a `docker save` archive into the node's `docker load`.</summary>
    public async Task<JsonObject> LoadImageAsync(string archive, long? size)
    {
        await using var file = File.OpenRead(archive);
        using var content = new StreamContent(file, 1 << 20);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-tar");
        if (size is not null)
        {
            content.Headers.Add(NodeServer.SizeHeader, size.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        using var response = await http.PostAsync("/images/load", content);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync()) as JsonObject ?? new JsonObject();
        if (!response.IsSuccessStatusCode)
        {
            throw new IOException($"docker load: {body.Str("message")}");
        }

        return body;
    }

    public async Task<IReadOnlyList<JsonObject>> ImagesAsync()
    {
        using var response = await http.GetAsync("/images");
        return JsonNode.Parse(await response.Content.ReadAsStringAsync()).Arr("images").Objects().ToList();
    }

    public void Dispose() => http.Dispose();
}
