using System.Buffers;
using System.Text.Json;
using Realtime.Messaging.Log;

namespace Realtime.Messaging.Dapr;

/// <summary>
/// How a <see cref="LogRecord"/> travels through Dapr pub/sub: as a CloudEvent the producer
/// writes itself (structured mode, published as <c>application/cloudevents+json</c>).
/// </summary>
/// <remarks>
/// <para>
/// Why not let daprd wrap the payload: daprd lets a publisher override only <c>id</c>,
/// <c>source</c>, <c>type</c>, <c>traceid</c>, <c>traceparent</c> and <c>tracestate</c> of the
/// CloudEvent it generates (metadata <c>cloudevent.*</c>), and publish metadata is not handed
/// to subscribers, so the record key could not reach the consumer. Extension attributes of a
/// CloudEvent the app writes itself are passed through as they are (Dapr docs, "Publish your
/// own CloudEvent"), so the key rides in the standard CloudEvents Partitioning extension
/// <c>partitionkey</c>.
/// </para>
/// <para>
/// The payload stays the CloudEvent's JSON <c>data</c> with <c>datacontenttype</c>
/// <c>application/json</c>, exactly as daprd would have wrapped it, so any Dapr subscriber
/// can read it. daprd decodes the event and encodes it again on its way to the broker (as a Go
/// map: object keys sorted, strings re-escaped; numbers exact, it decodes with UseNumber), so
/// a consumer gets JSON equal in meaning to the payload, not necessarily the same bytes.
/// </para>
/// <para>
/// Trace context uses the CloudEvents Distributed Tracing attributes <c>traceparent</c> and
/// <c>tracestate</c>. daprd overwrites both with the trace context of the publish call
/// (components-contrib <c>FromCloudEvent</c>), which DaprClient takes from the current span,
/// i.e. the append span: the consumer continues the same trace either way. Any other header
/// (the dead-letter reason, …) goes as one JSON object in the string attribute
/// <c>logheaders</c>, because CloudEvents attribute names allow only lower-case letters and
/// digits.
/// </para>
/// </remarks>
internal static class DaprLogEnvelope
{
    /// <summary>What the producer publishes: a whole CloudEvent, not data for daprd to wrap.</summary>
    public const string ContentType = "application/cloudevents+json";

    public const string DataContentType = "application/json";
    public const string EventType = "realtime.log.record";
    public const string Source = "realtime";

    public const string DataAttribute = "data";
    public const string PartitionKeyAttribute = "partitionkey";
    public const string TraceParentAttribute = "traceparent";
    public const string TraceStateAttribute = "tracestate";
    /// <summary>Older daprd versions set only <c>traceid</c> (same format as <c>traceparent</c>).</summary>
    public const string TraceIdAttribute = "traceid";
    public const string HeadersAttribute = "logheaders";

    public const string TraceParentHeader = "traceparent";
    public const string TraceStateHeader = "tracestate";

    /// <summary>Writes the CloudEvent for <paramref name="record"/>, carrying <paramref name="headers"/>.</summary>
    /// <exception cref="JsonException">The payload is not one JSON value.</exception>
    public static ReadOnlyMemory<byte> Write(LogRecord record, IReadOnlyDictionary<string, string> headers)
    {
        var buffer = new ArrayBufferWriter<byte>(record.Payload.Length + 256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("specversion"u8, "1.0");
            writer.WriteString("id"u8, Guid.NewGuid().ToString("N"));
            writer.WriteString("source"u8, Source);
            writer.WriteString("type"u8, EventType);
            writer.WriteString("datacontenttype"u8, DataContentType);
            writer.WriteString(PartitionKeyAttribute, record.Key);
            WriteHeaders(writer, headers);
            writer.WritePropertyName(DataAttribute);
            // Validated: a payload that is not JSON fails here, before anything is published.
            writer.WriteRawValue(record.Payload.Span);
            writer.WriteEndObject();
        }

        return buffer.WrittenMemory;
    }

    private static void WriteHeaders(Utf8JsonWriter writer, IReadOnlyDictionary<string, string> headers)
    {
        Dictionary<string, string>? others = null;
        foreach (var (name, value) in headers)
        {
            if (name == TraceParentHeader) writer.WriteString(TraceParentAttribute, value);
            else if (name == TraceStateHeader) writer.WriteString(TraceStateAttribute, value);
            else (others ??= new Dictionary<string, string>(StringComparer.Ordinal))[name] = value;
        }

        if (others is not null)
        {
            writer.WriteString(HeadersAttribute, HeadersJson(others));
        }
    }

    private static string HeadersJson(Dictionary<string, string> headers)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in headers)
            {
                writer.WriteString(name, value);
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
