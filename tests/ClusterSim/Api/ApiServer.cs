using System.Net;
using ClusterSim.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ClusterSim.Api;

/// <summary>
/// The Kubernetes API server: plain HTTP on 127.0.0.1. It can be stopped and started again on the same port
/// (a stopped profile refuses connections), and told to hang: accept requests and never answer.
/// </summary>
internal sealed class ApiServer(ObjectStore store, ResourceHandler resources, Discovery discovery) : IAsyncDisposable
{
    private WebApplication? app;
    private CancellationTokenSource shutdown = new();
    private volatile bool hang;

    public int Port { get; private set; }

    public bool Hang
    {
        get => hang;
        set => hang = value;
    }

    /// <summary>Starts listening; port 0 picks a free port the first time, later starts reuse it.</summary>
    public async Task StartAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, port);
            k.AllowSynchronousIO = false;
        });
        shutdown = new CancellationTokenSource();
        var web = builder.Build();
        web.Run(HandleAsync);
        await web.StartAsync();
        Port = new Uri(web.Urls.First()).Port;
        app = web;
    }

    public async Task StopAsync()
    {
        if (app is null)
        {
            return;
        }

        await shutdown.CancelAsync();
        store.CloseWatches();
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await app.StopAsync(stopping.Token);
        await app.DisposeAsync();
        app = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task HandleAsync(HttpContext context)
    {
        var cancel = shutdown.Token;
        if (hang)
        {
            using var both = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, cancel);
            await Task.Delay(Timeout.Infinite, both.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            context.Abort();
            return;
        }

        try
        {
            await RouteAsync(context, cancel);
        }
        catch (ApiException e)
        {
            if (!context.Response.HasStarted)
            {
                await ResourceHandler.WriteAsync(context, e.Code, e.ToStatus());
            }
        }
        catch (Exception e) when (e is not OperationCanceledException && !context.Response.HasStarted)
        {
            // A simulation bug: answer as the real server does for a panic, and say what broke.
            await ResourceHandler.WriteAsync(context, 500, new ApiException(500, "InternalError", $"Internal error occurred: {e}").ToStatus());
        }
    }

    private async Task RouteAsync(HttpContext context, CancellationToken cancel)
    {
        var path = context.Request.Path.Value?.TrimEnd('/') ?? "";
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        switch (path)
        {
            case "/version":
                await ResourceHandler.WriteAsync(context, 200, discovery.Version());
                return;
            case "/healthz" or "/livez" or "/readyz":
                context.Response.ContentType = "text/plain";
                await context.Response.WriteAsync("ok", cancel);
                return;
            case "/api" or "/apis":
            {
                var aggregated = Discovery.NegotiateAggregated(context.Request.Headers.Accept.ToString());
                if (aggregated is not null)
                {
                    context.Response.StatusCode = 200;
                    context.Response.ContentType = aggregated;
                    await context.Response.WriteAsync(Json.Serialize(discovery.Aggregated(path == "/api", aggregated)), cancel);
                    return;
                }

                await ResourceHandler.WriteAsync(context, 200, path == "/api" ? discovery.CoreVersions() : discovery.Groups());
                return;
            }
        }

        if (path == "/openapi/v3")
        {
            await ResourceHandler.WriteAsync(context, 200, OpenApi.Index());
            return;
        }

        if (path.StartsWith("/openapi/v3/", StringComparison.Ordinal))
        {
            await ResourceHandler.WriteAsync(context, 200, OpenApi.Document(path["/openapi/v3/".Length..]) ?? throw NotFound());
            return;
        }

        if (segments is ["api", var coreVersion])
        {
            await ResourceHandler.WriteAsync(context, 200, discovery.Resources("", coreVersion) ?? throw NotFound());
            return;
        }

        if (segments is ["apis", var group])
        {
            await ResourceHandler.WriteAsync(context, 200, discovery.Group(group) ?? throw NotFound());
            return;
        }

        if (segments is ["apis", var g, var v])
        {
            await ResourceHandler.WriteAsync(context, 200, discovery.Resources(g, v) ?? throw NotFound());
            return;
        }

        if (segments is ["api", "v1", "nodes", var node, "proxy", .. var rest])
        {
            await resources.ProxyToNodeAsync(context, node, string.Join('/', rest));
            return;
        }

        if (ResourceHandler.Parse(context.Request.Path) is { } request)
        {
            await resources.HandleAsync(context, request, cancel);
            return;
        }

        if (segments.Length > 0 && segments[0] is "api" or "apis")
        {
            throw NotFound();
        }

        context.Response.StatusCode = 404;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync("404 page not found\n", cancel);
    }

    private static ApiException NotFound() => new(404, "NotFound", "the server could not find the requested resource");
}
