using Microsoft.Extensions.Options;
using Realtime.Connection.Clients;
using Realtime.Connection.Proxy;

namespace Realtime.Connection.Transport;

/// <summary>
/// <c>/connection/websocket</c>: Centrifugo's WebSocket endpoint. Browser origins are checked
/// against <see cref="GatewayOptions.AllowedOrigins"/> before the upgrade.
/// </summary>
internal static partial class WebSocketEndpoint
{
    public const string Path = "/connection/websocket";

    public static IEndpointRouteBuilder MapClientWebSocket(this IEndpointRouteBuilder app)
    {
        app.Map(Path, HandleAsync);
        return app;
    }

    private static async Task HandleAsync(HttpContext context, GatewayNode node, DrainService drain, IOptions<GatewayOptions> options,
        IOptions<ProxyOptions> proxy, ILogger<GatewayNode> logger)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        if (drain.Draining)
        {
            // Shutting down: the client's SDK retries and the load balancer picks another node.
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        if (!OriginPolicy.IsAllowed(context.Request.Headers.Origin, options.Value.AllowedOrigins))
        {
            LogOriginRejected(logger, context.Request.Headers.Origin.ToString());
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }

        if (!node.Sessions.TryOpenSocket(options.Value.MaxConnections))
        {
            // Full: a clean refusal the SDK retries (elsewhere, behind a load balancer), and the
            // node keeps serving the sockets it has.
            Telemetry.GatewayMetrics.SocketsRefused.Add(1);
            context.Response.Headers.RetryAfter = "5";
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        Telemetry.GatewayMetrics.Sockets.Add(1);
        try
        {
            // Keep-alive is ours (protocol pings), not the WebSocket layer's.
            using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { KeepAliveInterval = TimeSpan.Zero });
            using var session = new ClientSession(socket, node, ProxyHeaders(context.Request.Headers, proxy.Value.HttpHeaders));
            await session.RunAsync();
        }
        finally
        {
            node.Sessions.CloseSocket();
            Telemetry.GatewayMetrics.Sockets.Add(-1);
        }
    }

    /// <summary>The upgrade request's headers the proxies pass on to the backend (only those configured).</summary>
    private static Dictionary<string, string>? ProxyHeaders(IHeaderDictionary headers, List<string> wanted)
    {
        if (wanted.Count == 0)
        {
            return null;
        }

        var selected = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in wanted)
        {
            if (headers.TryGetValue(name, out var value))
            {
                selected[name] = value.ToString();
            }
        }

        return selected;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected a WebSocket from origin {Origin}")]
    private static partial void LogOriginRejected(ILogger logger, string origin);
}
