using System.Diagnostics;
using Realtime.Messaging.Log;
using Realtime.Messaging.Telemetry;
using Realtime.Protocol;
using Realtime.Protocol.Replies;

namespace Realtime.Messaging.Publications;

/// <summary>
/// The one way into the publication log, for client publishes and the server API alike: the
/// publication gets its id, time and trace context, and the call returns once the log has it.
/// </summary>
public sealed class PublicationPublisher(ILogProducer log, TimeProvider time)
{
    /// <param name="idempotencyKey">
    /// When set, becomes the publication id: a retry with the same key within fanout's
    /// deduplication window is recognised and not delivered twice.
    /// </param>
    public async Task<PublicationEnvelope> PublishAsync(string channel, RawJson data, ClientInfo? info,
        IReadOnlyDictionary<string, string>? tags, string? idempotencyKey, Activity? activity, CancellationToken cancellationToken)
    {
        var publication = new PublicationEnvelope
        {
            Id = string.IsNullOrEmpty(idempotencyKey) ? PublicationEnvelope.NewId() : "key:" + idempotencyKey,
            Channel = channel,
            Data = data,
            Info = info,
            Tags = tags,
            Time = time.GetUtcNow().ToUnixTimeMilliseconds(),
            TraceParent = activity?.Id,
        };

        // Encoded before awaiting: the data may point into a pooled frame buffer.
        var record = new LogRecord(channel, PublicationCodec.Encode(publication), TraceContext.Capture(activity));
        await log.AppendAsync(LogTopics.Publications, record, cancellationToken);
        return publication;
    }
}
