using System.Diagnostics.Metrics;

namespace Realtime.History.Telemetry;

/// <summary>History's metrics: rows written and replays skipped.</summary>
internal static class HistoryMetrics
{
    public const string MeterName = "Realtime.History";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Stored = Meter.CreateCounter<long>(
        "realtime.history.stored", "{publication}", "Publications written to PostgreSQL.");

    private static readonly Counter<long> Replayed = Meter.CreateCounter<long>(
        "realtime.history.replayed", "{publication}", "Publications received again and already stored.");

    public static void RecordStored(int stored, int replayed)
    {
        Stored.Add(stored);
        if (replayed > 0)
        {
            Replayed.Add(replayed);
        }
    }
}
