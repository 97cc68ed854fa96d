using System.Globalization;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Realtime.Delivery;

/// <summary>
/// A channel stream's position (the last offset and the epoch) in Redis, and its start. A stream
/// starts — first use, or after Redis lost it — with a new epoch and an offset continuing from
/// the durable maximum kept in PostgreSQL (plus a gap for publications sequenced but not yet
/// stored), so a channel's offsets never repeat or go backwards and clients holding positions
/// from before are told, by the new epoch, that they cannot recover from them.
/// </summary>
public sealed class ChannelStreams(IConnectionMultiplexer redis, IDurableStreamTops durableTops, IOptions<DeliveryOptions> options)
{
    private const string PositionScript = """
        local epoch = redis.call('HGET', KEYS[1], 'epoch')
        if not epoch then
          return {-1, ''}
        end
        redis.call('EXPIRE', KEYS[1], ARGV[1])
        return {redis.call('HGET', KEYS[1], 'offset') or '0', epoch}
        """;

    // Only the first caller starts the stream; racing callers keep what it set.
    private const string StartScript = """
        if redis.call('HSETNX', KEYS[1], 'epoch', ARGV[1]) == 1 then
          redis.call('HSET', KEYS[1], 'offset', ARGV[2])
          redis.call('DEL', KEYS[2])
        end
        redis.call('EXPIRE', KEYS[1], ARGV[3])
        return 1
        """;

    /// <summary>A short random epoch: enough to tell one life of a stream from the next.</summary>
    public static string NewEpoch() => Guid.NewGuid().ToString("N")[..8];

    /// <summary>Drops the recent-history window; the position stays, so offsets continue.</summary>
    public Task RemoveWindowAsync(string channel) => redis.GetDatabase().KeyDeleteAsync(ChannelKeys.History(channel));

    public async Task<StreamTop> GetPositionAsync(string channel, CancellationToken cancellationToken = default)
    {
        for (var attempt = 0; ; attempt++)
        {
            var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(PositionScript,
                [ChannelKeys.Meta(channel)], [(long)options.Value.StreamMetaTtl.TotalSeconds]))!;
            if ((string?)result[1] is { Length: > 0 } epoch)
            {
                return new StreamTop(ulong.Parse((string)result[0]!, CultureInfo.InvariantCulture), epoch);
            }

            if (attempt > 0)
            {
                throw new InvalidOperationException($"channel stream {channel} could not be started");
            }

            await StartAsync(channel, cancellationToken);
        }
    }

    /// <summary>Starts the channel's stream unless someone already did.</summary>
    public async Task StartAsync(string channel, CancellationToken cancellationToken)
    {
        var durable = await durableTops.GetTopAsync(channel, cancellationToken);
        var first = durable == 0 ? 0 : durable + options.Value.OffsetGapAfterReset;
        await redis.GetDatabase().ScriptEvaluateAsync(StartScript,
            [ChannelKeys.Meta(channel), ChannelKeys.History(channel)],
            [NewEpoch(), first.ToString(CultureInfo.InvariantCulture), (long)options.Value.StreamMetaTtl.TotalSeconds]);
    }
}

/// <summary>The newest position of a channel's stream.</summary>
public readonly record struct StreamTop(ulong Offset, string Epoch);
