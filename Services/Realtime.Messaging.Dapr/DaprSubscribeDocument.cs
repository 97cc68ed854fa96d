using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Realtime.Messaging.Log;

namespace Realtime.Messaging.Dapr;

/// <summary>
/// The answer to daprd's <c>GET /dapr/subscribe</c>: the app's programmatic subscriptions, as
/// documented in the Dapr pub/sub API reference (field names are case-sensitive).
/// </summary>
/// <remarks>
/// No subscription metadata: events must stay CloudEvents (no <c>rawPayload</c>), and bulk
/// delivery is not used, so each POST carries one record.
/// </remarks>
internal static class DaprSubscribeDocument
{
    public static Task WriteAsync(HttpResponse response, ReadOnlyMemory<byte> document)
    {
        response.ContentType = "application/json";
        return response.Body.WriteAsync(document).AsTask();
    }

    public static ReadOnlyMemory<byte> Json(IReadOnlyList<DaprLogSubscription> subscriptions)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using var writer = new Utf8JsonWriter(buffer);
        writer.WriteStartArray();
        foreach (var subscription in subscriptions)
        {
            writer.WriteStartObject();
            writer.WriteString("pubsubname"u8, LogTopics.DaprPubSubName);
            writer.WriteString("topic"u8, subscription.Topic);
            writer.WriteString("route"u8, subscription.Route);
            writer.WriteString("deadLetterTopic"u8, subscription.DeadLetterTopic);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.Flush();
        return buffer.WrittenMemory;
    }
}
