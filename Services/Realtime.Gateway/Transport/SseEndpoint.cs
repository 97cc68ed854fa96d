using System.Text;
using Microsoft.Extensions.Options;
using Realtime.Gateway.Clients;
using Realtime.Gateway.Proxy;

namespace Realtime.Gateway.Transport;

/// <summary>
/// <c>GET /connection/sse?cf_connect=…</c>: Centrifugo's SSE transport (JSON only), for
/// <c>EventSource</c>. The connect command rides in the query; replies and pushes are
/// <c>data:</c> events; later commands come through <see cref="EmulationEndpoint"/>.
/// </summary>
internal static class SseEndpoint
{
    public const string Path = "/connection/sse";

    public static IEndpointRouteBuilder MapClientSse(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, HandleAsync);
        return app;
    }

    private static Task HandleAsync(HttpContext context, GatewayNode node, DrainService drain, IOptions<ProxyOptions> proxy, ILogger<GatewayNode> logger) =>
        EmulatedConnection.ServeAsync(
            context, node, drain, proxy.Value, logger, "text/event-stream",
            _ => Task.FromResult(ConnectCommand(context.Request, node.Options.MaxFrameSize)),
            connect => new SseTransport(context, connect, node.Options.MaxPendingEmulationRequests));

    /// <summary>The <c>cf_connect</c> parameter's bytes (empty when missing), or null when over the frame limit.</summary>
    private static byte[]? ConnectCommand(HttpRequest request, int limit)
    {
        var value = request.Query["cf_connect"].ToString();
        return Encoding.UTF8.GetByteCount(value) > limit ? null : Encoding.UTF8.GetBytes(value);
    }
}
