namespace Realtime.Messaging.Delivery;

/// <summary>The <c>Delivery</c> section, read alike by fanout (publishing) and gateways (subscribing).</summary>
public sealed class DeliveryOptions
{
    public const string SectionName = "Delivery";

    /// <summary>
    /// Use sharded pub/sub (SPUBLISH/SSUBSCRIBE) so delivery scales with the shards of a Redis
    /// Cluster instead of being broadcast to every node of it.
    /// </summary>
    public bool ShardedPubSub { get; set; }
}
