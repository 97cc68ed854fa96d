using System.Diagnostics.Metrics;
using Realtime.Fanout.Sequencing;

namespace Realtime.Fanout.Telemetry;

/// <summary>Fanout's metrics: what it sequenced, what it recognised as redelivered, and how late.</summary>
internal static class FanoutMetrics
{
    public const string MeterName = "Realtime.Fanout";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Sequenced = Meter.CreateCounter<long>(
        "realtime.fanout.sequenced", "{publication}", "Publications sequenced and delivered to gateway nodes.");

    private static readonly Counter<long> Duplicates = Meter.CreateCounter<long>(
        "realtime.fanout.duplicates", "{publication}", "Redelivered log records recognised and not delivered again.");

    private static readonly Histogram<double> PublishToDelivery = Meter.CreateHistogram<double>(
        "realtime.fanout.publish_to_delivery", "s", "Time from a publish being accepted to its delivery to gateway nodes.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });

    private static readonly Counter<long> Unauthorized = Meter.CreateCounter<long>(
        "realtime.server_api.unauthorized", "{request}", "Server API calls refused for a missing or wrong API key.");

    public static void RecordUnauthorized() => Unauthorized.Add(1);

    public static void RecordSequenced(SequencingResult result, long publishedAtUnixMs)
    {
        if (!result.Sequenced)
        {
            Duplicates.Add(1);
            return;
        }

        Sequenced.Add(1);
        if (publishedAtUnixMs > 0)
        {
            var seconds = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - publishedAtUnixMs) / 1000.0;
            PublishToDelivery.Record(Math.Max(0, seconds));
        }
    }
}
