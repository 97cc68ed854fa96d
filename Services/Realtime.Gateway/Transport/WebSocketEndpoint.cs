using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Realtime.Gateway.Clients;
using Realtime.Gateway.Proxy;
using Realtime.Protocol;

namespace Realtime.Gateway.Transport;

/// <summary>
/// <c>/connection/websocket</c>: Centrifugo's WebSocket endpoint, through ASP.NET Core's
/// WebSocket upgrade. Plain-HTTP/1.1 upgrades usually never get here: the
/// <see cref="DirectUpgradeMiddleware"/> takes them at the connection; this endpoint serves what
/// it passes on (TLS listeners, HTTP/2, in-memory test servers, the option turned off).
/// </summary>
internal static class WebSocketEndpoint
{
    public const string Path = "/connection/websocket";

    public static IEndpointRouteBuilder MapClientWebSocket(this IEndpointRouteBuilder app)
    {
        app.Map(Path, HandleAsync);
        return app;
    }

    private static async Task HandleAsync(HttpContext context, GatewayNode node, DrainService drain, IOptions<ProxyOptions> proxy, ILogger<GatewayNode> logger)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        if (!ClientAdmission.TryAdmit(context, node, drain, logger))
        {
            return;
        }

        var subprotocol = context.WebSockets.WebSocketRequestedProtocols.Contains(ClientAdmission.ProtobufSubprotocol) ? ClientAdmission.ProtobufSubprotocol : null;
        var format = subprotocol is not null || context.Request.Query["cf_protocol"] == "protobuf" ? ProtocolFormat.Protobuf : ProtocolFormat.Json;
        System.Net.WebSockets.WebSocket socket;
        try
        {
            // Keep-alive is ours (protocol pings), not the WebSocket layer's.
            socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { KeepAliveInterval = TimeSpan.Zero, SubProtocol = subprotocol });
        }
        catch
        {
            node.Sessions.CloseSocket();
            throw;
        }

        using (socket)
        {
            await ClientAdmission.ServeAsync(socket, node, ProxyHeaders(context.Request.Headers, proxy.Value.HttpHeaders), format);
        }
    }

    /// <summary>The upgrade request's headers the proxies pass on to the backend (only those configured).</summary>
    internal static Dictionary<string, string>? ProxyHeaders(IHeaderDictionary headers, List<string> wanted)
    {
        if (wanted.Count == 0)
        {
            return null;
        }

        var selected = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in wanted)
        {
            if (headers.TryGetValue(name, out StringValues value))
            {
                selected[name] = value.ToString();
            }
        }

        return selected;
    }
}
