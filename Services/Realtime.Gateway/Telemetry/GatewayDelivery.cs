using System.Diagnostics;
using System.Diagnostics.Metrics;
using Realtime.Messaging.Publications;

namespace Realtime.Gateway.Telemetry;

/// <summary>
/// Delivery of a publication to this node's subscribers: a span in the publisher's trace and
/// the publish-to-delivery latency.
/// </summary>
internal static class GatewayDelivery
{
    private static readonly Meter Meter = new(GatewayMetrics.MeterName + ".Delivery");

    private static readonly Histogram<double> Latency = Meter.CreateHistogram<double>(
        "realtime.gateway.delivery.latency", "s", "Time from a publish being accepted to its push being queued on this node.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });

    private static readonly Counter<long> Pushes = Meter.CreateCounter<long>(
        "realtime.gateway.delivery.pushes", "{push}", "Publication pushes queued to local subscribers.");

    public static void Record(SequencedPublication sequenced, int subscribers)
    {
        var publication = sequenced.Publication;
        if (publication.TraceParent is not null && GatewayTelemetry.Source.HasListeners()
            && ActivityContext.TryParse(publication.TraceParent, null, isRemote: true, out var parent))
        {
            using var activity = GatewayTelemetry.Source.StartActivity("deliver", ActivityKind.Consumer, parent);
            activity?.SetTag("realtime.channel", publication.Channel);
            activity?.SetTag("realtime.offset", sequenced.Offset);
            activity?.SetTag("realtime.subscribers", subscribers);
        }

        Pushes.Add(subscribers);
        if (publication.Time > 0)
        {
            Latency.Record(Math.Max(0, (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - publication.Time) / 1000.0));
        }
    }
}
