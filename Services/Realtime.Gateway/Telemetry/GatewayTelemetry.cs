using System.Diagnostics;
using Realtime.Protocol.Commands;

namespace Realtime.Gateway.Telemetry;

/// <summary>
/// The gateway's spans. Each client command starts a trace of its own (a publish's trace is
/// then continued by the log, fanout, delivery and history), linked to its connection's span
/// rather than inside it: a connection lives for hours, and a trace that lasts as long as the
/// connection never ends and collects every command the client ever sent.
/// </summary>
internal static class GatewayTelemetry
{
    /// <summary>The name dashboards and collectors select by: the deployed service's, kept when the project became the gateway.</summary>
    public const string SourceName = "Realtime.Connection";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>
    /// The span a connection's commands link to: the request that carries the connection
    /// (HTTP-streaming, SSE, a WebSocket upgraded through Kestrel), or, for a WebSocket accepted
    /// before Kestrel's HTTP layer, a span of its own that ends at once.
    /// </summary>
    public static ActivityContext StartConnection(string transport)
    {
        if (Activity.Current is { } request)
        {
            return request.Context;
        }

        if (!Source.HasListeners())
        {
            return default;
        }

        using var accepted = Source.StartActivity("connection", ActivityKind.Server);
        accepted?.SetTag("realtime.transport", transport);
        return accepted?.Context ?? default;
    }

    /// <summary>
    /// Starts the span of one command. Inside the connection's long-lived request it starts a
    /// new trace with a link to that request; a command that arrives in a short request of its
    /// own (an emulation request) stays that request's child.
    /// </summary>
    public static Activity? StartCommand(CommandMethod method, ActivityContext connection, ActivityLink[]? connectionLink)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        if (Activity.Current is { } current && current.Context == connection)
        {
            // Only this command's flow: the caller's Activity.Current is restored when it resumes.
            Activity.Current = null;
        }

        return Source.StartActivity(GatewayMetrics.MethodName(method), ActivityKind.Server, parentContext: default, tags: null, links: connectionLink);
    }
}
