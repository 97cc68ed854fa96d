using System.Diagnostics.Metrics;

namespace Realtime.Presence.Telemetry;

/// <summary>Presence metrics: joins, leaves, expirations, and gauges of who is online.</summary>
internal static class PresenceMetrics
{
    public const string MeterName = "Realtime.Presence";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Joins = Meter.CreateCounter<long>("realtime.presence.joins", "{client}", "Clients that became present in a channel.");
    private static readonly Counter<long> Leaves = Meter.CreateCounter<long>("realtime.presence.leaves", "{client}", "Clients that left a channel (reported by their gateway).");
    private static readonly Counter<long> Expirations = Meter.CreateCounter<long>("realtime.presence.expirations", "{client}", "Clients dropped because no gateway refreshed them (their gateway died).");

    private static long s_clients;
    private static long s_users;
    private static long s_channels;

    static PresenceMetrics()
    {
        Meter.CreateObservableGauge("realtime.presence.clients", () => Volatile.Read(ref s_clients), "{client}", "Client presence entries across all channels.");
        Meter.CreateObservableGauge("realtime.presence.users", () => Volatile.Read(ref s_users), "{user}", "Distinct users present anywhere.");
        Meter.CreateObservableGauge("realtime.presence.channels", () => Volatile.Read(ref s_channels), "{channel}", "Channels with anyone present.");
    }

    public static void Joined() => Joins.Add(1);

    public static void Left() => Leaves.Add(1);

    public static void Expired() => Expirations.Add(1);

    public static void Observe(long clients, long users, long channels)
    {
        Volatile.Write(ref s_clients, clients);
        Volatile.Write(ref s_users, users);
        Volatile.Write(ref s_channels, channels);
    }
}
