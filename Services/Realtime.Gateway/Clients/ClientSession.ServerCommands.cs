using Realtime.Protocol;
using Realtime.Protocol.Codes;
using Realtime.Protocol.Commands;

namespace Realtime.Gateway.Clients;

/// <summary>What the server API can do to a live connection, through its gateway node.</summary>
internal sealed partial class ClientSession
{
    /// <summary>Subscribes the client on the server's initiative and tells it with a <c>subscribe</c> push.</summary>
    public async Task ServerSubscribeAsync(string channel)
    {
        if (Identity is null || _disconnect is not null || _subscriptions.Contains(channel)
            || _node.Namespaces.Resolve(channel) is not { } options || !_node.Namespaces.IsValidName(channel))
        {
            return;
        }

        if (_subscriptions.Count >= _node.Options.MaxChannelsPerConnection)
        {
            Close(Disconnect.ChannelLimit);
            return;
        }

        var outcome = await SubscribeAsync(channel, options, new SubscribeRequest { Channel = channel }, SubscribeGrant.Open);
        if (outcome.Error is not null)
        {
            return;
        }

        await ReportJoinAsync(channel, options, SubscribeGrant.Open);
        Push(ProtocolFrames.SubscribePush(Format, channel, outcome.Result!));
        outcome.Subscription!.Activate(outcome.Result!.Offset, outcome.Result.Epoch);
        AfterSubscribed(channel, options, SubscribeGrant.Open);
    }

    /// <summary>Sets the connection's expiry from the server side and tells the client with a <c>refresh</c> push.</summary>
    public void ServerRefresh(DateTimeOffset? expiresAt)
    {
        if (Identity is not { } identity)
        {
            return;
        }

        Identity = identity with { ExpiresAt = expiresAt };
        var ttl = Identity.TtlSeconds(_node.Time);
        Push(ProtocolFrames.RefreshPush(Format, expiresAt is not null, ttl));
    }

    /// <summary>An asynchronous message to this client (a <c>message</c> push).</summary>
    public void SendMessage(RawJson data) => Push(ProtocolFrames.MessagePush(Format, data));
}
