using System.Text;
using Microsoft.Extensions.Options;
using Realtime.Channels;
using Realtime.Contracts;
using Realtime.Delivery;
using Realtime.Protocol;
using StackExchange.Redis;

namespace Realtime.Presence.Store;

/// <summary>
/// Announces leaves that no gateway announced — clients of a gateway that died — on the
/// channel's delivery channel, so every node's subscribers get them in order with the
/// channel's publications (when the namespace has join/leave).
/// </summary>
internal sealed class PresenceEvents(IConnectionMultiplexer redis, ChannelNamespaces namespaces, IOptions<DeliveryOptions> delivery)
{
    public async Task PublishLeaveAsync(PresenceEntry entry)
    {
        if (namespaces.Resolve(entry.Channel) is not ({ JoinLeave: true } or { ForcePushJoinLeave: true }))
        {
            return;
        }

        var info = new Protocol.Replies.ClientInfo(entry.User, entry.Client, Raw(entry.ConnInfo), Raw(entry.ChanInfo));
        await redis.GetSubscriber().PublishAsync(ChannelKeys.Delivery(entry.Channel, delivery.Value.ShardedPubSub), DeliveryMessage.EncodeLeave(info));
    }

    private static RawJson Raw(System.Text.Json.JsonElement? element) =>
        element is { } value ? new RawJson(Encoding.UTF8.GetBytes(value.GetRawText())) : RawJson.Empty;
}
