using Realtime.Gateway.Transport;

namespace Realtime.Gateway.Extensions;

internal static class GatewayApplicationExtensions
{
    /// <summary>
    /// The gateway's request pipeline: the client transports (WebSocket, HTTP-streaming, SSE and
    /// their emulation requests) and the health endpoints.
    /// Program and the in-process test host both use it, so tests run the pipeline that ships.
    /// </summary>
    public static WebApplication MapGateway(this WebApplication app)
    {
        app.UseWebSockets();
        app.MapClientWebSocket();
        app.MapClientHttpStream();
        app.MapClientSse();
        app.MapClientEmulation();
        app.MapDefaultEndpoints();
        return app;
    }
}
