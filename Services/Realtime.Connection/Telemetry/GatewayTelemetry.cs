using System.Diagnostics;

namespace Realtime.Connection.Telemetry;

/// <summary>The gateway's spans: a client's publish starts the trace that the log, fanout, delivery and history continue.</summary>
public static class GatewayTelemetry
{
    public const string SourceName = "Realtime.Connection";

    public static readonly ActivitySource Source = new(SourceName);
}
