using System.Net.WebSockets;
using Microsoft.Extensions.Primitives;
using Realtime.Connection.Clients;
using Realtime.Protocol;

namespace Realtime.Connection.Transport;

/// <summary>Why an upgrade request is refused, or that it may go ahead.</summary>
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
/// What both ways of accepting a WebSocket share (ASP.NET Core's upgrade, and the direct
/// upgrade on a plain connection): who is let in, and running the admitted socket's session.
/// </summary>
internal static partial class WebSocketAdmission
{
    /// <summary>The subprotocol Centrifugo's SDKs offer for the Protobuf format.</summary>
    public const string ProtobufSubprotocol = "centrifuge-protobuf";

    /// <summary>Seconds a refused client is told to wait (Retry-After) when the node is full.</summary>
    public const string FullRetryAfterSeconds = "5";

    /// <summary>
    /// Decides on an upgrade request. An admitted socket is counted against the node's limit:
    /// the caller must end it through <see cref="ServeAsync"/>, or release it with
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

    /// <summary>Runs an admitted socket's session until the connection ends.</summary>
    public static async Task ServeAsync(WebSocket socket, GatewayNode node, Dictionary<string, string>? proxyHeaders, ProtocolFormat format)
    {
        Telemetry.GatewayMetrics.Sockets.Add(1);
        try
        {
            using var session = new ClientSession(socket, node, proxyHeaders, format);
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
