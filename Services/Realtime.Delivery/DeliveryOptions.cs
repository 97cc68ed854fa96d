namespace Realtime.Delivery;

/// <summary>The <c>Delivery</c> section, read alike by fanout (publishing), gateways (subscribing) and history (reading the hot window).</summary>
public sealed class DeliveryOptions
{
    public const string SectionName = "Delivery";

    /// <summary>
    /// Use sharded pub/sub (SPUBLISH/SSUBSCRIBE) so delivery scales with the shards of a Redis
    /// Cluster instead of being broadcast to every node of it.
    /// </summary>
    public bool ShardedPubSub { get; set; }

    /// <summary>
    /// How long a channel's offset and epoch outlive its last use. When they expire the channel
    /// starts a new epoch, which tells clients their old positions are void.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:01:00", "3650.00:00:00")]
    public TimeSpan StreamMetaTtl { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// When a stream restarts (Redis lost it, or its position expired), its offsets continue
    /// from the durable maximum plus this gap, which covers publications already sequenced but
    /// not yet stored, so no offset is ever given twice.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(ulong), "0", "1000000000")]
    public ulong OffsetGapAfterReset { get; set; } = 10_000;
}
