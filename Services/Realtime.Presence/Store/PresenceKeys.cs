using System.Text;
using StackExchange.Redis;
using Realtime.Redis;

namespace Realtime.Presence.Store;

/// <summary>
/// Presence keys. A channel's keys share the channel's hash tag (with its stream keys); a
/// user's keys share the user's tag; the expiry index and the gauges are split into buckets so
/// no single key (or Redis Cluster slot) carries all of presence.
/// </summary>
internal static class PresenceKeys
{
    public const int Buckets = 16;

    /// <summary>Hash: client id → entry JSON.</summary>
    public static RedisKey Entries(string channel) => $"rt:{{{RedisKeyPart.Escape(channel)}}}:presence";

    /// <summary>Sorted set: client id scored by its expiry (Unix ms).</summary>
    public static RedisKey Expiries(string channel) => $"rt:{{{RedisKeyPart.Escape(channel)}}}:presence:exp";

    /// <summary>Hash: user id → how many of its clients are present.</summary>
    public static RedisKey Users(string channel) => $"rt:{{{RedisKeyPart.Escape(channel)}}}:presence:users";

    /// <summary>Sorted set: "channel\nclient" of one user, scored by expiry — the user's presence across devices.</summary>
    public static RedisKey OfUser(string user) => $"rt:user:{{{RedisKeyPart.Escape(user)}}}:presence";

    /// <summary>Sorted set per bucket: "channel\nclient" scored by expiry, for the sweeper.</summary>
    public static RedisKey ExpiryIndex(int bucket) => $"rt:presence:expiry:{{{bucket}}}";

    /// <summary>Set per bucket: channels with anyone present (a gauge).</summary>
    public static RedisKey ActiveChannels(int bucket) => $"rt:presence:channels:{{{bucket}}}";

    /// <summary>Set per bucket: users present anywhere (a gauge).</summary>
    public static RedisKey ActiveUsers(int bucket) => $"rt:presence:users:{{{bucket}}}";

    public static string Member(string channel, string client) => channel + "\n" + client;

    public static (string Channel, string Client) ParseMember(string member)
    {
        var separator = member.LastIndexOf('\n');
        return (member[..separator], member[(separator + 1)..]);
    }

    public static int BucketOf(string value)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return (int)(hash % Buckets);
    }
}
