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
    /// <summary>Appends a publication to the log and returns it once the log has it.</summary>
    /// <param name="channel">The channel it is published to.</param>
    /// <param name="data">The application's payload, kept as the client sent it.</param>
    /// <param name="info">The publishing client, when a client published (null for the server API).</param>
    /// <param name="tags">Application tags delivered with the publication.</param>
    /// <param name="idempotencyKey">
    /// When set, becomes the publication id: a retry with the same key within fanout's
    /// deduplication window is recognised and not delivered twice.
    /// </param>
    /// <param name="activity">The span of the publish, whose context the publication carries (null when nobody traces it: it carries none).</param>
    /// <param name="cancellationToken">Stops waiting for the log; the append may still land.</param>
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
