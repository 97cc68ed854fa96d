using StackExchange.Redis;

namespace Realtime.Messaging.Delivery;

/// <summary>
/// The Redis key layout of a channel's stream. Every key of one channel shares the hash tag
/// <c>{channel}</c>, so in Redis Cluster they live in one slot and a script can touch them all
/// atomically.
/// </summary>
public static class ChannelKeys
{
    private const string Prefix = "rt:";

    /// <summary>Hash with the channel's <c>offset</c> (last assigned) and <c>epoch</c>.</summary>
    public static RedisKey Meta(string channel) => $"{Prefix}{{{channel}}}:meta";

    /// <summary>Stream of the recent publications (the hot history window), entry id = offset.</summary>
    public static RedisKey History(string channel) => $"{Prefix}{{{channel}}}:history";

    /// <summary>Marks a publication id as sequenced; holds its offset.</summary>
    public static RedisKey Published(string channel, string publicationId) => $"{Prefix}{{{channel}}}:pub:{publicationId}";

    /// <summary>The pub/sub channel gateway nodes subscribe to for live delivery.</summary>
    public static RedisChannel Delivery(string channel, bool sharded) =>
        sharded ? RedisChannel.Sharded(DeliveryName(channel)) : RedisChannel.Literal(DeliveryName(channel));

    public static string DeliveryName(string channel) => $"{Prefix}{{{channel}}}:deliver";
}
