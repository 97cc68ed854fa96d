using StackExchange.Redis;

namespace Realtime.Presence.Store;

/// <summary>Presence keys of a channel, sharing the channel's hash tag with its stream keys.</summary>
internal static class PresenceKeys
{
    /// <summary>Hash: client id → entry JSON.</summary>
    public static RedisKey Entries(string channel) => $"rt:{{{channel}}}:presence";

    /// <summary>Sorted set: client id scored by its expiry (Unix ms).</summary>
    public static RedisKey Expiries(string channel) => $"rt:{{{channel}}}:presence:exp";
}
