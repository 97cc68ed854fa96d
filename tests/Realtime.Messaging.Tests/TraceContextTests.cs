using System.Diagnostics;
using Realtime.Messaging.Telemetry;

namespace Realtime.Messaging.Tests;

public sealed class TraceContextTests
{
    [Fact]
    public void A_span_travels_in_headers_and_continues_on_the_other_side()
    {
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == MessagingTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);

        using var publish = MessagingTelemetry.StartAppend("realtime.publications", "redis")!;
        var headers = TraceContext.Capture(publish);
        Assert.StartsWith("00-" + publish.TraceId, headers["traceparent"], StringComparison.Ordinal);

        var record = new Log.LogRecord("chat:x", "{}"u8.ToArray(), headers);
        using var process = MessagingTelemetry.StartProcess("realtime.publications", "fanout", LogRecordTrace.From(record))!;
        Assert.Equal(publish.TraceId, process.TraceId);
        Assert.Equal(publish.SpanId, process.ParentSpanId);
    }

    [Fact]
    public void Merging_keeps_the_records_own_headers()
    {
        using var activity = new Activity("x").Start();
        var merged = TraceContext.Merge(new Dictionary<string, string> { ["x-dead-letter-reason"] = "bad" }, activity);
        Assert.Equal("bad", merged["x-dead-letter-reason"]);
        Assert.True(merged.ContainsKey("traceparent"));
    }
}
