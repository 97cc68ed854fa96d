namespace Realtime.Messaging.Delivery;

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
}
