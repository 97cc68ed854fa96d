using Microsoft.Extensions.Options;
using Realtime.Connection.Clients;

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

    private static async Task HandleAsync(HttpContext context, GatewayNode node, IOptions<GatewayOptions> options, ILogger<GatewayNode> logger)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        if (!OriginPolicy.IsAllowed(context.Request.Headers.Origin, options.Value.AllowedOrigins))
        {
            LogOriginRejected(logger, context.Request.Headers.Origin.ToString());
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }

        // Keep-alive is ours (protocol pings), not the WebSocket layer's.
        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { KeepAliveInterval = TimeSpan.Zero });
        using var session = new ClientSession(socket, node);
        await session.RunAsync(context.RequestAborted);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected a WebSocket from origin {Origin}")]
    private static partial void LogOriginRejected(ILogger logger, string origin);
}
