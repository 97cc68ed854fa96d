using System.Reflection;
using Microsoft.Extensions.Options;
using Realtime.Channels;
using Realtime.Delivery;
using Realtime.Messaging.Log;
using Realtime.Messaging.Publications;
using StackExchange.Redis;
using Realtime.Redis;

namespace Realtime.Fanout.Sequencing;

/// <summary>
/// Gives publications their place in their channels' streams and delivers them, a batch per
/// atomic Redis script call (see <c>sequence.lua</c>): one round trip and one script run for
/// many publications. In Redis Cluster a script may only touch one hash slot, so there a batch
/// is split by the slot of each channel; elsewhere it goes whole.
/// </summary>
internal sealed class ChannelSequencer(
    IConnectionMultiplexer redis,
    ChannelNamespaces namespaces,
    ChannelStreams streams,
    IOptions<FanoutOptions> fanout,
    IOptions<DeliveryOptions> delivery)
{
    /// <summary>Most publications one script call sequences (bounds the time Redis spends in one script).</summary>
    public const int MaxPerCall = 256;

    private static readonly RedisScriptWithPart Script = new(LoadScript());
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
        var (keys, args) = Arguments(batch, group, start, count, completion: null);
        var reply = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(Script.For(null), keys, args))!;
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
    /// Sequences a batch read from the log and, in the same script call, carries out the log's
    /// <paramref name="completion"/>: its checks first (the reader still holds the batch), then,
    /// after the sequencing, the sequenced publications of history-keeping channels as output
    /// records for the sequenced topic (carrying <paramref name="headers"/>) and the batch's
    /// acknowledgement. Null when it did nothing: the completion's checks failed, a channel's
    /// stream not started, a batch too large for one call, Redis Cluster.
    /// </summary>
    public async Task<SequencingResult[]?> TrySequenceAndCompleteAsync(IReadOnlyList<PublicationToSequence> batch,
        IReadOnlyList<IReadOnlyDictionary<string, string>> headers, IRedisScriptPart completion)
    {
        _cluster ??= RedisTopology.IsCluster(redis);
        if (_cluster == true || batch.Count > MaxPerCall)
        {
            return null;
        }

        var all = new List<int>(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            all.Add(i);
        }

        var (keys, args) = Arguments(batch, all, 0, batch.Count, new Completion(completion, headers));
        var reply = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(Script.For(completion), keys, args))!;
        if (reply.Length == 1)
        {
            // The completion's reason ('fenced', 'full') or 'unstarted': nothing was written.
            return null;
        }

        var results = new SequencingResult[batch.Count];
        for (var n = 0; n < batch.Count; n++)
        {
            results[n] = new SequencingResult((long)reply[3 * n] == 1,
                new SequencedPublication(batch[n].Publication, (ulong)(long)reply[3 * n + 1], (string?)reply[3 * n + 2] ?? ""));
        }

        return results;
    }

    /// <summary>The script's keys and arguments (layout in <c>sequence.lua</c>) for <paramref name="count"/> publications of a group.</summary>
    private (RedisKey[] Keys, RedisValue[] Args) Arguments(IReadOnlyList<PublicationToSequence> batch, List<int> group, int start, int count, Completion? completion)
    {
        var keys = new List<RedisKey>(3 * count);
        var args = new List<RedisValue>(5 + 8 * count)
        {
            (long)fanout.Value.DeduplicationWindow.TotalSeconds,
            (long)delivery.Value.StreamMetaTtl.TotalSeconds,
            delivery.Value.ShardedPubSub ? "1" : "0",
            count,
            completion is null ? "0" : "1",
        };
        for (var n = 0; n < count; n++)
        {
            var index = group[start + n];
            var (publication, payload) = batch[index];
            var options = namespaces.Resolve(publication.Channel) ?? new ChannelOptions();
            keys.Add(ChannelKeys.Meta(publication.Channel));
            keys.Add(ChannelKeys.History(publication.Channel));
            keys.Add(ChannelKeys.Published(publication.Channel, publication.Id));
            args.Add(payload);
            args.Add(options.HistoryEnabled ? options.HistorySize : 0);
            args.Add((long)Math.Ceiling(options.HistoryTtl.TotalSeconds));
            args.Add(ChannelKeys.DeliveryName(publication.Channel));
            // The history service reads the sequenced topic: only history-keeping channels go there.
            args.Add(completion is not null && options.HistoryEnabled ? completion.Part.OutputSlot(LogTopics.Sequenced, publication.Channel) : 0);
            args.Add(publication.Channel);
            var headers = completion?.Headers[index] ?? LogRecord.NoHeaders;
            args.Add(headers.Count);
            foreach (var (name, value) in headers)
            {
                args.Add(name);
                args.Add(value);
            }
        }

        return RedisScriptWithPart.Arguments(completion?.Part, keys, args);
    }

    /// <summary>What completing a log batch adds to the script call: the log's part and each record's headers.</summary>
    private sealed record Completion(IRedisScriptPart Part, IReadOnlyList<IReadOnlyDictionary<string, string>> Headers);

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
internal readonly record struct PublicationToSequence(PublicationEnvelope Publication, ReadOnlyMemory<byte> Payload);

/// <summary>What sequencing did: <see cref="Sequenced"/> is false for a publication sequenced before (a redelivery).</summary>
internal sealed record SequencingResult(bool Sequenced, SequencedPublication Publication);
