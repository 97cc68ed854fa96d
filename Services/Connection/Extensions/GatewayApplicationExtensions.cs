using Realtime.Connection.Transport;

namespace Realtime.Connection.Extensions;

public static class GatewayApplicationExtensions
{
    /// <summary>
    /// The gateway's request pipeline: WebSockets, the client endpoint and the health endpoints.
    /// Program and the in-process test host both use it, so tests run the pipeline that ships.
    /// </summary>
    public static WebApplication MapGateway(this WebApplication app)
    {
        app.UseWebSockets();
        app.MapClientWebSocket();
        app.MapDefaultEndpoints();
        return app;
    }
}
