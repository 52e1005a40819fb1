using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace ClusterSim.Node;

/// <summary>
/// The Docker Engine API of the node's dockerd over its unix socket (no TLS there; the TCP listener the user's docker
/// CLI reaches has TLS). Synchronous calls serve the kubelet, which runs on the controller loop's thread.
/// </summary>
internal sealed class DockerApi(string socketPath) : IDisposable
{
    private readonly HttpClient http = new(new SocketsHttpHandler
    {
        ConnectCallback = async (_, cancel) =>
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancel);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    {
        BaseAddress = new Uri("http://docker/"),
        Timeout = TimeSpan.FromMinutes(5),
    };

    public string SocketPath { get; } = socketPath;

    /// <summary>A request answered synchronously: status code and body text.</summary>
    public (int Status, string Body) Send(HttpMethod method, string path, JsonNode? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(Json.Serialize(body), Encoding.UTF8, "application/json");
        }

        using var response = http.Send(request);
        using var reader = new StreamReader(response.Content.ReadAsStream());
        return ((int)response.StatusCode, reader.ReadToEnd());
    }

    public async Task<(int Status, string Body)> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancel)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        using var response = await http.SendAsync(request, cancel);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancel));
    }

    /// <summary>GET /_ping: whether the daemon answers.</summary>
    public async Task<bool> PingAsync(CancellationToken cancel)
    {
        try
        {
            var (status, body) = await SendAsync(HttpMethod.Get, "_ping", null, cancel);
            return status == 200 && body == "OK";
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>A tar stream as a request body.</summary>
    public static HttpContent Tar(Stream stream)
    {
        var content = new StreamContent(stream, 1 << 20);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-tar");
        return content;
    }

    /// <summary>The "message" of an error response, as the docker CLI prints it after "Error response from daemon: ".</summary>
    public static string ErrorMessage(string body)
    {
        try
        {
            return JsonNode.Parse(body).Str("message") ?? body.Trim();
        }
        catch (System.Text.Json.JsonException)
        {
            return body.Trim();
        }
    }

    public void Dispose() => http.Dispose();
}
