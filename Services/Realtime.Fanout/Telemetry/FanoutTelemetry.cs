using System.Diagnostics;

namespace Realtime.Fanout.Telemetry;

/// <summary>Fanout's spans: server-API publishes start their trace here.</summary>
internal static class FanoutTelemetry
{
    public const string SourceName = "Realtime.Fanout";

    public static readonly ActivitySource Source = new(SourceName);
}
