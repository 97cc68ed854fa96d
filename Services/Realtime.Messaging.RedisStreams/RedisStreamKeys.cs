using System.Text;
using StackExchange.Redis;

namespace Realtime.Messaging.RedisStreams;

/// <summary>
/// Where each log topic lives in Redis: one stream per partition, a record's partition chosen
/// by its key (the channel), so one channel's records keep their order in one stream. Each
/// partition has its own hash tag, so in Redis Cluster partitions spread over the shards.
/// </summary>
public static class RedisStreamKeys
{
    public const string KeyField = "k";
    public const string PayloadField = "p";
    /// <summary>Header fields are stored as <c>h:{name}</c>.</summary>
    public const string HeaderPrefix = "h:";

    public static RedisKey Partition(string topic, int partition) => $"rt:log:{{{topic}:{partition}}}";

    /// <summary>Which member of a consumer group holds a partition (a lease that expires).</summary>
    public static RedisKey Lease(string topic, string group, int partition) => $"rt:log:{{{topic}:{partition}}}:lease:{group}";

    /// <summary>Live members of a consumer group, scored by when their membership expires.</summary>
    public static RedisKey Members(string topic, string group) => $"rt:log:{{{topic}}}:members:{group}";

    /// <summary>Set: the members of a consumer group that announce they are alive by subscribing to <see cref="Alive"/>.</summary>
    public static RedisKey Watched(string topic, string group) => $"rt:log:{{{topic}}}:watched:{group}";

    /// <summary>A member's own pub/sub channel: subscribed while its process lives (Redis drops it with the connection).</summary>
    public static RedisChannel Alive(string topic, string group, string member) => RedisChannel.Literal($"rt:log:{{{topic}}}:alive:{group}:{member}");

    /// <summary>The partition of a key: FNV-1a over its UTF-8 bytes, stable across processes and versions.</summary>
    public static int PartitionOf(string key, int partitions)
    {
        const uint offsetBasis = 2166136261;
        const uint prime = 16777619;
        var hash = offsetBasis;
        Span<byte> buffer = stackalloc byte[256];
        var bytes = Encoding.UTF8.GetByteCount(key) <= buffer.Length ? buffer[..Encoding.UTF8.GetBytes(key, buffer)] : Encoding.UTF8.GetBytes(key);
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * prime;
        }

        return (int)(hash % (uint)partitions);
    }
}
