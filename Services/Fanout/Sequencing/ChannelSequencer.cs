using System.Reflection;
using Microsoft.Extensions.Options;
using Realtime.Channels;
using Realtime.Messaging.Delivery;
using Realtime.Messaging.Publications;
using StackExchange.Redis;

namespace Realtime.Fanout.Sequencing;

/// <summary>
/// Gives a publication its place in its channel's stream and delivers it, in one atomic Redis
/// script (see <c>sequence.lua</c>).
/// </summary>
public sealed class ChannelSequencer(
    IConnectionMultiplexer redis,
    ChannelNamespaces namespaces,
    ChannelStreams streams,
    IOptions<FanoutOptions> fanout,
    IOptions<DeliveryOptions> delivery)
{
    private static readonly string Script = LoadScript();

    /// <summary>Starts sequencing; Redis runs calls from one caller in the order they were made.</summary>
    public Task<SequencingResult> SequenceAsync(PublicationEnvelope publication, ReadOnlyMemory<byte> payload) =>
        SequenceAsync(publication, payload, streamStarted: false);

    private async Task<SequencingResult> SequenceAsync(PublicationEnvelope publication, ReadOnlyMemory<byte> payload, bool streamStarted)
    {
        var options = namespaces.Resolve(publication.Channel) ?? new ChannelOptions();
        var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(Script,
            [
                ChannelKeys.Meta(publication.Channel),
                ChannelKeys.History(publication.Channel),
                ChannelKeys.Published(publication.Channel, publication.Id),
            ],
            [
                payload,
                options.HistoryEnabled ? options.HistorySize : 0,
                (long)Math.Ceiling(options.HistoryTtl.TotalSeconds),
                ChannelKeys.DeliveryName(publication.Channel),
                (long)fanout.Value.DeduplicationWindow.TotalSeconds,
                (long)delivery.Value.StreamMetaTtl.TotalSeconds,
                delivery.Value.ShardedPubSub ? "1" : "0",
            ]))!;

        var status = (long)result[0];
        if (status == -1)
        {
            if (streamStarted)
            {
                throw new InvalidOperationException($"the stream of {publication.Channel} vanished while it was being started");
            }

            // First use of the channel, or Redis lost it: start it from the durable maximum, then sequence.
            await streams.StartAsync(publication.Channel, CancellationToken.None);
            return await SequenceAsync(publication, payload, streamStarted: true);
        }

        return new SequencingResult(
            Sequenced: status == 1,
            new SequencedPublication(publication, (ulong)(long)result[1], (string?)result[2] ?? ""));
    }

    private static string LoadScript()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("sequence.lua")
            ?? throw new InvalidOperationException("sequence.lua is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

/// <summary>What sequencing did: <see cref="Sequenced"/> is false for a publication sequenced before (a redelivery).</summary>
public sealed record SequencingResult(bool Sequenced, SequencedPublication Publication);
