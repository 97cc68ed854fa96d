using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Realtime.Messaging.Telemetry;

/// <summary>The publication log's spans and metrics (names follow OpenTelemetry's messaging conventions).</summary>
public static class MessagingTelemetry
{
    public const string Name = "Realtime.Messaging";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    public static readonly Counter<long> Appended = Meter.CreateCounter<long>(
        "realtime.log.appended", "{record}", "Records appended to the publication log.");

    public static readonly Counter<long> AppendsRefused = Meter.CreateCounter<long>(
        "realtime.log.appends_refused", "{record}", "Records the log refused because their partition was full of unconsumed entries.");

    public static readonly Counter<long> Consumed = Meter.CreateCounter<long>(
        "realtime.log.consumed", "{record}", "Records handled and acknowledged by a consumer group.");

    public static readonly Counter<long> HandlerFailures = Meter.CreateCounter<long>(
        "realtime.log.handler_failures", "{attempt}", "Handler attempts that failed (outages and bad records alike).");

    public static readonly Counter<long> DeadLettered = Meter.CreateCounter<long>(
        "realtime.log.dead_lettered", "{record}", "Records that kept failing and were moved to the dead-letter topic.");

    public static readonly Histogram<double> AppendDuration = Meter.CreateHistogram<double>(
        "realtime.log.append.duration", "s", "Time until the transport durably accepted an appended record.");

    public static readonly Histogram<int> AppendBatchSize = Meter.CreateHistogram<int>(
        "realtime.log.append.batch_size", "{record}", "Records appended together in one write (group commit).",
        advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512] });

    public static Activity? StartAppend(string topic, string transport)
    {
        var activity = Source.StartActivity($"send {topic}", ActivityKind.Producer);
        activity?.SetTag("messaging.system", transport);
        activity?.SetTag("messaging.destination.name", topic);
        return activity;
    }

    public static Activity? StartProcess(string topic, string group, LogRecordTrace trace)
    {
        var activity = Source.StartActivity($"process {topic}", ActivityKind.Consumer, trace.Context);
        activity?.SetTag("messaging.destination.name", topic);
        activity?.SetTag("messaging.consumer.group.name", group);
        return activity;
    }
}

/// <summary>The trace context a consumed record carried.</summary>
public readonly record struct LogRecordTrace(ActivityContext Context)
{
    public static LogRecordTrace From(Log.LogRecord record) => new(TraceContext.Extract(record.Headers));
}
