using StackExchange.Redis;

namespace Realtime.Messaging.RedisStreams;

/// <summary>
/// A batch as the Redis Streams consumer read it: which reader (consumer) of which group read
/// which entries of which partitions. A handler that completes the batch in its own Redis script
/// (see <see cref="IRedisStreamsBatchHandler"/>) checks the leases and acknowledges the entries there.
/// </summary>
public sealed class RedisStreamsBatch(string reader, string group, IReadOnlyList<RedisStreamsBatchPartition> partitions)
{
    public string Reader => reader;

    public string Group => group;

    public IReadOnlyList<RedisStreamsBatchPartition> Partitions => partitions;
}

/// <summary>One partition's part of a batch: its lease (held by the reader), its stream and the entries read.</summary>
public readonly record struct RedisStreamsBatchPartition(RedisKey Lease, RedisKey Stream, RedisValue[] EntryIds);
