using System.Net.WebSockets;
using Microsoft.Extensions.Primitives;
using Realtime.Gateway.Clients;
using Realtime.Protocol;

namespace Realtime.Gateway.Transport;

/// <summary>Why a new connection (a WebSocket upgrade, an HTTP stream) is refused, or that it may go ahead.</summary>
internal enum AdmissionVerdict
{
    Admitted,
    /// <summary>Shutting down: the SDK retries and the load balancer picks another node.</summary>
    Draining,
    OriginRejected,
    /// <summary>At <see cref="GatewayOptions.MaxConnections"/>: a clean refusal the SDK retries elsewhere.</summary>
    Full,
}

/// <summary>
/// What every way of accepting a client shares (ASP.NET Core's WebSocket upgrade, the direct
/// upgrade on a plain connection, HTTP-streaming and SSE): who is let in, and running the
/// admitted connection's session.
/// </summary>
internal static partial class ClientAdmission
{
    /// <summary>The subprotocol Centrifugo's SDKs offer for the Protobuf format.</summary>
    public const string ProtobufSubprotocol = "centrifuge-protobuf";

    /// <summary>Seconds a refused client is told to wait (Retry-After) when the node is full.</summary>
    public const string FullRetryAfterSeconds = "5";

    /// <summary>
    /// Decides on an upgrade request. An admitted socket is counted against the node's limit:
    /// the caller must end it through <see cref="ServeAsync(ClientTransport, GatewayNode, Dictionary{string, string}?)"/>, or release it with
    /// <see cref="SessionRegistry.CloseSocket"/>.
    /// </summary>
    public static AdmissionVerdict Admit(GatewayNode node, DrainService drain, StringValues origin, ILogger logger)
    {
        if (drain.Draining)
        {
            return AdmissionVerdict.Draining;
        }

        if (!OriginPolicy.IsAllowed(origin, node.Options.AllowedOrigins))
        {
            LogOriginRejected(logger, origin.ToString());
            return AdmissionVerdict.OriginRejected;
        }

        if (!node.Sessions.TryOpenSocket(node.Options.MaxConnections))
        {
            Telemetry.GatewayMetrics.SocketsRefused.Add(1);
            return AdmissionVerdict.Full;
        }

        return AdmissionVerdict.Admitted;
    }

    /// <summary>
    /// <see cref="Admit"/> for an HTTP request: false when refused, with the refusal written
    /// (503 draining, 403 origin, 503 + Retry-After full).
    /// </summary>
    public static bool TryAdmit(HttpContext context, GatewayNode node, DrainService drain, ILogger logger)
    {
        switch (Admit(node, drain, context.Request.Headers.Origin, logger))
        {
            case AdmissionVerdict.Draining:
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return false;
            case AdmissionVerdict.OriginRejected:
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return false;
            case AdmissionVerdict.Full:
                context.Response.Headers.RetryAfter = FullRetryAfterSeconds;
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return false;
            default:
                return true;
        }
    }

    /// <summary>Runs an admitted socket's session until the connection ends.</summary>
    public static Task ServeAsync(WebSocket socket, GatewayNode node, Dictionary<string, string>? proxyHeaders, ProtocolFormat format) =>
        ServeAsync(new WebSocketTransport(socket, format), node, proxyHeaders);

    /// <summary>Runs an admitted connection's session, whatever its transport, until the connection ends.</summary>
    public static async Task ServeAsync(ClientTransport transport, GatewayNode node, Dictionary<string, string>? proxyHeaders)
    {
        Telemetry.GatewayMetrics.Sockets.Add(1);
        try
        {
            using var session = new ClientSession(transport, node, proxyHeaders);
            await session.RunAsync();
        }
        finally
        {
            node.Sessions.CloseSocket();
            Telemetry.GatewayMetrics.Sockets.Add(-1);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected a WebSocket from origin {Origin}")]
    private static partial void LogOriginRejected(ILogger logger, string origin);
}
