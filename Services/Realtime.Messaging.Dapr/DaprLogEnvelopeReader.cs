using System.Runtime.InteropServices;
using System.Text.Json;
using Realtime.Messaging.Log;

namespace Realtime.Messaging.Dapr;

/// <summary>What a delivered CloudEvent turned out to be.</summary>
/// <param name="Record">The record, when the envelope was ours and whole.</param>
/// <param name="Problem">Why there is no record.</param>
/// <param name="IsJson">Whether the body was JSON at all (only JSON can be dead-lettered as a payload).</param>
/// <param name="Key">The <c>partitionkey</c>, when one was readable.</param>
internal readonly record struct DaprLogEnvelopeRead(LogRecord? Record, string? Problem, bool IsJson, string? Key);

/// <summary>
/// Rebuilds a <see cref="LogRecord"/> from the CloudEvent daprd POSTs to a subscription route
/// (the JSON event as the producer wrote it, plus daprd's <c>topic</c>, <c>pubsubname</c>,
/// <c>traceid</c>, <c>time</c>, … which are ignored).
/// </summary>
internal static class DaprLogEnvelopeReader
{
    public static DaprLogEnvelopeRead Read(ReadOnlyMemory<byte> body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            return new(null, "the body is not JSON: " + e.Message, IsJson: false, Key: null);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new(null, "the body is not a CloudEvent object", IsJson: true, Key: null);
            }

            var key = StringAttribute(root, DaprLogEnvelope.PartitionKeyAttribute);
            if (key is null)
            {
                return new(null, $"no '{DaprLogEnvelope.PartitionKeyAttribute}' attribute: not a record of this log", IsJson: true, Key: null);
            }

            // Our payloads are JSON objects (or arrays). A string 'data' means daprd wrapped bytes
            // that were not JSON, and 'data_base64' binary data: neither was written by DaprLogProducer.
            if (!root.TryGetProperty(DaprLogEnvelope.DataAttribute, out var data)
                || data.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
            {
                return new(null, "'data' is missing or not a JSON object", IsJson: true, key);
            }

            if (!TryReadHeaders(root, out var headers, out var problem))
            {
                return new(null, problem, IsJson: true, key);
            }

            // The payload is data's JSON text as delivered (copied: the document's buffer is pooled).
            var payload = JsonMarshal.GetRawUtf8Value(data).ToArray();
            return new(new LogRecord(key, payload, headers), null, IsJson: true, key);
        }
    }

    private static bool TryReadHeaders(JsonElement root, out IReadOnlyDictionary<string, string> headers, out string? problem)
    {
        problem = null;
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (StringAttribute(root, DaprLogEnvelope.HeadersAttribute) is { } encoded)
        {
            try
            {
                using var document = JsonDocument.Parse(encoded);
                foreach (var header in document.RootElement.EnumerateObject())
                {
                    map[header.Name] = header.Value.GetString() ?? "";
                }
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
                headers = LogRecord.NoHeaders;
                problem = $"'{DaprLogEnvelope.HeadersAttribute}' is not a JSON object of strings";
                return false;
            }
        }

        // The envelope's trace context wins over a copy in logheaders: daprd may have moved it on.
        var traceParent = StringAttribute(root, DaprLogEnvelope.TraceParentAttribute) ?? StringAttribute(root, DaprLogEnvelope.TraceIdAttribute);
        if (!string.IsNullOrEmpty(traceParent))
        {
            map[DaprLogEnvelope.TraceParentHeader] = traceParent;
            map.Remove(DaprLogEnvelope.TraceStateHeader);
            if (StringAttribute(root, DaprLogEnvelope.TraceStateAttribute) is { Length: > 0 } traceState)
            {
                map[DaprLogEnvelope.TraceStateHeader] = traceState;
            }
        }

        headers = map.Count == 0 ? LogRecord.NoHeaders : map;
        return true;
    }

    private static string? StringAttribute(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
