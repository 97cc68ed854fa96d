using System.Reflection;
using Microsoft.Extensions.Options;
using Realtime.Channels;
using Realtime.Messaging;
using Realtime.Messaging.Delivery;
using Realtime.Messaging.Publications;
using StackExchange.Redis;

namespace Realtime.Fanout.Sequencing;

/// <summary>
/// Gives publications their place in their channels' streams and delivers them, a batch per
/// atomic Redis script call (see <c>sequence.lua</c>): one round trip and one script run for
/// many publications. In Redis Cluster a script may only touch one hash slot, so there a batch
/// is split by the slot of each channel; elsewhere it goes whole.
/// </summary>
public sealed class ChannelSequencer(
    IConnectionMultiplexer redis,
    ChannelNamespaces namespaces,
    ChannelStreams streams,
    IOptions<FanoutOptions> fanout,
    IOptions<DeliveryOptions> delivery)
{
    /// <summary>Most publications one script call sequences (bounds the time Redis spends in one script).</summary>
    public const int MaxPerCall = 256;

    private static readonly string Script = LoadScript();
    private bool? _cluster;

    public async Task<SequencingResult> SequenceAsync(PublicationEnvelope publication, ReadOnlyMemory<byte> payload) =>
        (await SequenceAsync([new PublicationToSequence(publication, payload)]))[0];

    /// <summary>
    /// Sequences the publications in order (per channel, the order given) and returns their
    /// results in the same order. Redis runs calls from one caller in the order they were made.
    /// </summary>
    public Task<SequencingResult[]> SequenceAsync(IReadOnlyList<PublicationToSequence> batch) => SequenceAsync(batch, streamsStarted: false);

    private async Task<SequencingResult[]> SequenceAsync(IReadOnlyList<PublicationToSequence> batch, bool streamsStarted)
    {
        var results = new SequencingResult[batch.Count];
        var pending = new List<Task>();
        foreach (var group in Groups(batch))
        {
            for (var start = 0; start < group.Count; start += MaxPerCall)
            {
                pending.Add(RunAsync(batch, group, start, Math.Min(MaxPerCall, group.Count - start), results, streamsStarted));
            }
        }

        await Task.WhenAll(pending);
        return results;
    }

    /// <summary>Indices of the batch by hash slot in a cluster; one group of all of them otherwise.</summary>
    private List<List<int>> Groups(IReadOnlyList<PublicationToSequence> batch)
    {
        var all = new List<int>(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            all.Add(i);
        }

        _cluster ??= RedisTopology.IsCluster(redis);
        if (_cluster != true)
        {
            return [all];
        }

        var bySlot = new Dictionary<int, List<int>>();
        foreach (var i in all)
        {
            var slot = redis.HashSlot(ChannelKeys.Meta(batch[i].Publication.Channel));
            if (!bySlot.TryGetValue(slot, out var indices))
            {
                bySlot[slot] = indices = [];
            }

            indices.Add(i);
        }

        return [.. bySlot.Values];
    }

    private async Task RunAsync(IReadOnlyList<PublicationToSequence> batch, List<int> group, int start, int count, SequencingResult[] results, bool streamsStarted)
    {
        var keys = new RedisKey[3 * count];
        var args = new RedisValue[3 + 4 * count];
        args[0] = (long)fanout.Value.DeduplicationWindow.TotalSeconds;
        args[1] = (long)delivery.Value.StreamMetaTtl.TotalSeconds;
        args[2] = delivery.Value.ShardedPubSub ? "1" : "0";
        for (var n = 0; n < count; n++)
        {
            var (publication, payload) = batch[group[start + n]];
            var options = namespaces.Resolve(publication.Channel) ?? new ChannelOptions();
            keys[3 * n] = ChannelKeys.Meta(publication.Channel);
            keys[3 * n + 1] = ChannelKeys.History(publication.Channel);
            keys[3 * n + 2] = ChannelKeys.Published(publication.Channel, publication.Id);
            args[3 + 4 * n] = payload;
            args[4 + 4 * n] = options.HistoryEnabled ? options.HistorySize : 0;
            args[5 + 4 * n] = (long)Math.Ceiling(options.HistoryTtl.TotalSeconds);
            args[6 + 4 * n] = ChannelKeys.DeliveryName(publication.Channel);
        }

        var reply = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(Script, keys, args))!;
        List<int>? unstarted = null;
        for (var n = 0; n < count; n++)
        {
            var index = group[start + n];
            var status = (long)reply[3 * n];
            if (status == -1)
            {
                if (streamsStarted)
                {
                    throw new InvalidOperationException($"the stream of {batch[index].Publication.Channel} vanished while it was being started");
                }

                (unstarted ??= []).Add(index);
                continue;
            }

            results[index] = new SequencingResult(status == 1,
                new SequencedPublication(batch[index].Publication, (ulong)(long)reply[3 * n + 1], (string?)reply[3 * n + 2] ?? ""));
        }

        if (unstarted is not null)
        {
            await SequenceUnstartedAsync(batch, unstarted, results);
        }
    }

    /// <summary>
    /// First use of a channel, or Redis lost it: start each such stream from the durable maximum,
    /// then sequence its publications, still in order.
    /// </summary>
    private async Task SequenceUnstartedAsync(IReadOnlyList<PublicationToSequence> batch, List<int> unstarted, SequencingResult[] results)
    {
        foreach (var channel in unstarted.Select(i => batch[i].Publication.Channel).Distinct(StringComparer.Ordinal))
        {
            await streams.StartAsync(channel, CancellationToken.None);
        }

        var retry = unstarted.ConvertAll(i => batch[i]);
        var retried = await SequenceAsync(retry, streamsStarted: true);
        for (var n = 0; n < unstarted.Count; n++)
        {
            results[unstarted[n]] = retried[n];
        }
    }

    private static string LoadScript()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("sequence.lua")
            ?? throw new InvalidOperationException("sequence.lua is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

/// <summary>A publication from the log and its payload as the log carried it (published to gateways as is).</summary>
public readonly record struct PublicationToSequence(PublicationEnvelope Publication, ReadOnlyMemory<byte> Payload);

/// <summary>What sequencing did: <see cref="Sequenced"/> is false for a publication sequenced before (a redelivery).</summary>
public sealed record SequencingResult(bool Sequenced, SequencedPublication Publication);
