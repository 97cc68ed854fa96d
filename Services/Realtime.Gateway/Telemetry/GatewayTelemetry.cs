using System.Diagnostics;

namespace Realtime.Gateway.Telemetry;

/// <summary>The gateway's spans: a client's publish starts the trace that the log, fanout, delivery and history continue.</summary>
internal static class GatewayTelemetry
{
    /// <summary>The name dashboards and collectors select by: the deployed service's, kept when the project became the gateway.</summary>
    public const string SourceName = "Realtime.Connection";

    public static readonly ActivitySource Source = new(SourceName);
}
