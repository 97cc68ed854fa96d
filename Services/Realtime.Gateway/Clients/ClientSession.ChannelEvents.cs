using Realtime.Channels;
using Realtime.Gateway.Hub;
using Realtime.Delivery;
using Realtime.Protocol.Codes;
using Realtime.Protocol;
using Realtime.Protocol.Replies;

namespace Realtime.Gateway.Clients;

internal sealed partial class ClientSession
{
    /// <summary>
    /// Before a subscription is confirmed: the client's presence entry, when the namespace keeps
    /// presence; completes once presence has it (or after <see cref="GatewayOptions.PresenceSyncTimeout"/>).
    /// </summary>
    private Task ReportJoinAsync(string channel, ChannelOptions options, SubscribeGrant grant) =>
        options.Presence ? _node.Presence.JoinAsync(channel, ClientId, Identity!, grant.ChannelInfo) : Task.CompletedTask;

    /// <summary>After a subscription starts: the join event, as the namespace asks.</summary>
    private void AfterSubscribed(string channel, ChannelOptions options, SubscribeGrant grant)
    {
        if (options.JoinLeave || options.ForcePushJoinLeave)
        {
            _ = _node.Hub.PublishPresenceEventAsync(channel, DeliveryMessage.EncodeJoin(InfoFor(grant.ChannelInfo)));
        }
    }

    /// <summary>
    /// After a subscription ends: presence entry removed and leave event, as the namespace asks.
    /// The task completes once presence has the removal (or after the sync timeout).
    /// </summary>
    private Task AfterUnsubscribed(string channel, ChannelOptions options, ChannelSubscription subscription)
    {
        var reported = options.Presence ? _node.Presence.LeaveAsync(channel, ClientId) : Task.CompletedTask;
        if (options.JoinLeave || options.ForcePushJoinLeave)
        {
            _ = _node.Hub.PublishPresenceEventAsync(channel, DeliveryMessage.EncodeLeave(InfoFor(subscription.ChannelInfo)));
        }

        return reported;
    }

    /// <summary>Called from the delivery thread when a positioned subscription saw a gap: the client resubscribes and recovers.</summary>
    public void InsufficientState(ChannelSubscription subscription) => ServerUnsubscribe(subscription.Channel, Protocol.Codes.Unsubscribe.InsufficientState);

    /// <summary>Ends a subscription from the server side and tells the client why (an unsubscribe push).</summary>
    public void ServerUnsubscribe(string channel, Unsubscribe reason)
    {
        if (Unsubscribe(channel))
        {
            Push(ProtocolFrames.UnsubscribePush(Format, channel, reason));
        }
    }

    private ClientInfo InfoFor(Protocol.RawJson channelInfo) => new(Identity!.User, ClientId, Identity.Info, channelInfo);
}
