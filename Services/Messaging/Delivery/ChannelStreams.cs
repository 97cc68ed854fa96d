using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Realtime.Messaging.Delivery;

/// <summary>Reads a channel stream's current position (the last offset and the epoch) from Redis.</summary>
public sealed class ChannelStreams(IConnectionMultiplexer redis, IOptions<DeliveryOptions> options)
{
    // Creates the epoch when the stream has none, exactly as sequencing would, so a subscriber
    // told this epoch recognises the stream its first publication starts.
    private const string PositionScript = """
        local epoch = redis.call('HGET', KEYS[1], 'epoch')
        if not epoch then
          epoch = ARGV[1]
          redis.call('HSET', KEYS[1], 'epoch', epoch)
          redis.call('DEL', KEYS[2])
        end
        redis.call('EXPIRE', KEYS[1], ARGV[2])
        local offset = redis.call('HGET', KEYS[1], 'offset') or '0'
        return {offset, epoch}
        """;

    /// <summary>A short random epoch: enough to tell one life of a stream from the next.</summary>
    public static string NewEpoch() => Guid.NewGuid().ToString("N")[..8];

    /// <summary>Drops the recent-history window; the position stays, so offsets continue.</summary>
    public Task RemoveWindowAsync(string channel) => redis.GetDatabase().KeyDeleteAsync(ChannelKeys.History(channel));

    public async Task<StreamTop> GetPositionAsync(string channel)
    {
        var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(PositionScript,
            [ChannelKeys.Meta(channel), ChannelKeys.History(channel)],
            [NewEpoch(), (long)options.Value.StreamMetaTtl.TotalSeconds]))!;
        return new StreamTop(ulong.Parse((string)result[0]!, System.Globalization.CultureInfo.InvariantCulture), (string)result[1]!);
    }
}

/// <summary>The newest position of a channel's stream.</summary>
public readonly record struct StreamTop(ulong Offset, string Epoch);
