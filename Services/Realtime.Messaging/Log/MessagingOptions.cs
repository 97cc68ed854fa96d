using System.ComponentModel.DataAnnotations;

namespace Realtime.Messaging.Log;

/// <summary>Which transport carries the publication log, and how consumers read it.</summary>
public sealed class MessagingOptions
{
    public const string SectionName = "Messaging";

    public LogTransport Transport { get; set; } = LogTransport.RedisStreams;

    /// <summary>Most records a consumer takes in one batch.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 256;

    /// <summary>How long a consumer waits for new records before asking again.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan PollTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Pause before a failed batch is handled again.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Attempts at a record that fails for its own reasons (not an outage) before it goes to the
    /// dead-letter topic.
    /// </summary>
    [Range(1, 1000)]
    public int MaxDeliveryAttempts { get; set; } = 5;

    /// <summary>
    /// Streams (partitions) per topic with the Redis Streams transport; a channel always maps to
    /// the same one. Consumers of a group share the partitions, so this caps how many fanout or
    /// history instances do useful work. Changing it moves channels between partitions: records
    /// in flight at that moment may be handled out of order.
    /// </summary>
    [Range(1, 1024)]
    public int RedisStreamPartitions { get; set; } = 8;

    /// <summary>How long a consumer's hold on a partition lasts without renewal (a dead consumer's partitions move after it).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan RedisStreamLeaseTtl { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Most entries a log partition's Redis stream holds. Consumers trim what every consumer
    /// group has acknowledged; a partition this full refuses appends (a temporary error for the
    /// publisher) instead of dropping what is not consumed yet. Dead-letter streams, which nobody
    /// consumes, are capped at this length instead (approximately, oldest first).
    /// </summary>
    [Range(1_000, 100_000_000)]
    public long RedisStreamMaxLength { get; set; } = 1_000_000;

    /// <summary>
    /// Most records one stream entry carries. Records appended while the previous XADD to their
    /// partition is in flight go together in one entry (group commit), up to this many.
    /// </summary>
    [Range(1, 10_000)]
    public int RedisStreamMaxEntryRecords { get; set; } = 256;

    /// <summary>Most payload bytes one stream entry carries (a single larger record still goes alone).</summary>
    [Range(1_024, 64 * 1024 * 1024)]
    public int RedisStreamMaxEntryBytes { get; set; } = 512 * 1024;
}

public enum LogTransport
{
    RedisStreams,
    Kafka,
    Dapr,
}
