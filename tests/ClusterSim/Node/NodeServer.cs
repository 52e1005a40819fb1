using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ClusterSim.Node;

/// <summary>
/// The simulated minikube node as the minikube CLI reaches it (what the docker driver and SSH are to the real one):
/// the host state, and the node's Docker engine (image inspect, rmi, load from a `docker save` stream, list).
/// Private to the simulation; it stays up while the profile is stopped, so the CLI can say so.
/// </summary>
internal sealed class NodeServer(INodeEngine docker, Func<JsonObject> state) : IAsyncDisposable
{
    public const string SizeHeader = "X-ClusterSim-Image-Size";

    private WebApplication? app;

    public string Url { get; private set; } = "";

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.Limits.MaxRequestBodySize = null;
        });
        app = builder.Build();
        app.Run(HandleAsync);
        await app.StartAsync();
        Url = app.Urls.First();
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await app.StopAsync(stopping.Token);
            await app.DisposeAsync();
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var reference = context.Request.Query["ref"].ToString();
        switch (context.Request.Method, context.Request.Path.Value)
        {
            case ("GET", "/state"):
                await WriteAsync(context, 200, state());
                return;
            case ("GET", "/images"):
                await WriteAsync(context, 200, new JsonObject { ["images"] = docker.List().Select(i => (JsonNode?)Describe(i)).ToJsonArray() });
                return;
            case ("GET", "/images/inspect"):
                var image = docker.Inspect(reference);
                await WriteAsync(context, image is null ? 404 : 200, new JsonObject { ["id"] = image?.Id });
                return;
            case ("POST", "/images/remove"):
                var outcome = docker.Remove(reference, out var message);
                var code = outcome switch { RemoveOutcome.NoSuchImage => 404, RemoveOutcome.Conflict => 409, _ => 200 };
                await WriteAsync(context, code, new JsonObject { ["message"] = message });
                return;
            case ("POST", "/images/load"):
                await LoadAsync(context);
                return;
            default:
                context.Response.StatusCode = 404;
                return;
        }
    }

    private async Task LoadAsync(HttpContext context)
    {
        try
        {
            long? size = long.TryParse(context.Request.Headers[SizeHeader], CultureInfo.InvariantCulture, out var s) ? s : null;
            var result = await docker.LoadAsync(context.Request.Body, size, context.RequestAborted);
            await WriteAsync(context, 200, new JsonObject
            {
                ["bytes"] = result.Bytes,
                ["loaded"] = result.Loaded.Select(l => (JsonNode?)l).ToJsonArray(),
            });
        }
        catch (InvalidDataException e)
        {
            await WriteAsync(context, 400, new JsonObject { ["message"] = e.Message });
        }
    }

    private static JsonObject Describe(TaggedImage image) => new()
    {
        ["id"] = image.Image.Id,
        ["size"] = image.Image.Size,
        ["tags"] = image.Tags.Select(t => (JsonNode?)t).ToJsonArray(),
        ["repoDigests"] = image.Image.Digests.Select(d => (JsonNode?)d).ToJsonArray(),
    };

    private static async Task WriteAsync(HttpContext context, int status, JsonObject body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(Json.Serialize(body));
    }
}
