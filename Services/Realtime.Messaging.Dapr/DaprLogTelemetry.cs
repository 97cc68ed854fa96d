using System.Diagnostics.Metrics;
using Realtime.Messaging.Telemetry;

namespace Realtime.Messaging.Dapr;

/// <summary>Metrics only the Dapr transport has, under the same meter name as the log's others.</summary>
internal static class DaprLogTelemetry
{
    private static readonly Meter Meter = new(MessagingTelemetry.Name);

    /// <summary>Tagged <c>outcome</c> = <c>dead_lettered</c> or <c>dropped</c> (not JSON: nothing to keep).</summary>
    public static readonly Counter<long> Malformed = Meter.CreateCounter<long>(
        "realtime.log.malformed", "{event}", "Events delivered by Dapr that were not records of the log.");
}
