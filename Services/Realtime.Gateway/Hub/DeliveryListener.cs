using Microsoft.Extensions.Options;
using Realtime.Delivery;
using StackExchange.Redis;

namespace Realtime.Gateway.Hub;

/// <summary>
/// Subscribes this node to a channel's delivery in Redis pub/sub while it has subscribers.
/// Each channel gets an ordered message queue so its publications are handled one after
/// another, in the order fanout published them.
/// </summary>
internal sealed class DeliveryListener(IConnectionMultiplexer redis, IOptions<DeliveryOptions> options)
{
    public async Task<ChannelMessageQueue> SubscribeAsync(string channel, Action<ReadOnlyMemory<byte>> onMessage)
    {
        var queue = await redis.GetSubscriber().SubscribeAsync(ChannelKeys.Delivery(channel, options.Value.ShardedPubSub));
        queue.OnMessage(message => onMessage((byte[])message.Message!));
        return queue;
    }

    public Task PublishAsync(string channel, byte[] message) =>
        redis.GetSubscriber().PublishAsync(ChannelKeys.Delivery(channel, options.Value.ShardedPubSub), message);
}
