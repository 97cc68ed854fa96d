using StackExchange.Redis;
using Realtime.Redis;

namespace Realtime.Delivery;

/// <summary>
/// The Redis key layout of a channel's stream. Every key of one channel shares the hash tag
/// <c>{channel}</c>, so in Redis Cluster they live in one slot and a script can touch them all
/// atomically. Names are escaped (<see cref="RedisKeyPart"/>), so no channel or idempotency key
/// can reach another's keys.
/// </summary>
public static class ChannelKeys
{
    private const string Prefix = "rt:";

    /// <summary>Hash with the channel's <c>offset</c> (last assigned) and <c>epoch</c>.</summary>
    public static RedisKey Meta(string channel) => $"{Prefix}{{{RedisKeyPart.Escape(channel)}}}:meta";

    /// <summary>Stream of the recent publications (the hot history window), entry id = offset.</summary>
    public static RedisKey History(string channel) => $"{Prefix}{{{RedisKeyPart.Escape(channel)}}}:history";

    /// <summary>Marks a publication id as sequenced; holds its offset.</summary>
    public static RedisKey Published(string channel, string publicationId) => $"{Prefix}{{{RedisKeyPart.Escape(channel)}}}:pub:{RedisKeyPart.Escape(publicationId)}";

    /// <summary>The pub/sub channel gateway nodes subscribe to for live delivery.</summary>
    public static RedisChannel Delivery(string channel, bool sharded) =>
        sharded ? RedisChannel.Sharded(DeliveryName(channel)) : RedisChannel.Literal(DeliveryName(channel));

    public static string DeliveryName(string channel) => $"{Prefix}{{{RedisKeyPart.Escape(channel)}}}:deliver";

    /// <summary>The delivery pub/sub channels of every channel whose name matches a glob pattern.</summary>
    public static RedisChannel DeliveryPattern(string channelPattern) => RedisChannel.Pattern($"{Prefix}{{{RedisKeyPart.Escape(channelPattern)}}}:deliver");

    /// <summary>The channel a delivery pub/sub channel's name belongs to.</summary>
    public static string ChannelOfDelivery(string deliveryName) => RedisKeyPart.Unescape(deliveryName[(Prefix.Length + 1)..^"}:deliver".Length]);
}
