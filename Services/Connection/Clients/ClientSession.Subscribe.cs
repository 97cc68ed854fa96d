using Realtime.Connection.Hub;
using Realtime.Connection.Telemetry;
using Realtime.Protocol.Codes;
using Realtime.Protocol.Commands;
using Realtime.Protocol.Replies;
using StackExchange.Redis;

namespace Realtime.Connection.Clients;

internal sealed partial class ClientSession
{
    private async Task HandleSubscribeAsync(uint id, SubscribeRequest request)
    {
        var channel = request.Channel;
        if (!_node.Namespaces.IsValidName(channel))
        {
            ReplyError(id, ProtocolError.BadRequest);
            return;
        }

        if (_node.Namespaces.Resolve(channel) is not { } options)
        {
            ReplyError(id, ProtocolError.UnknownChannel);
            return;
        }

        if (_subscriptions.ContainsKey(channel))
        {
            ReplyError(id, ProtocolError.AlreadySubscribed);
            return;
        }

        if (!options.AllowSubscribeForClient)
        {
            ReplyError(id, ProtocolError.PermissionDenied);
            return;
        }

        var subscription = new ChannelSubscription(channel, this);
        _subscriptions[channel] = subscription;
        SubscribeResult result;
        try
        {
            // Listen first, then read the position: nothing published in between can be missed,
            // and what the position already covers is skipped when the subscription activates.
            await _node.Hub.AddAsync(subscription);
            result = new SubscribeResult { Positioned = options.ForcePositioning };
            if (options.HistoryEnabled)
            {
                var top = await _node.Streams.GetPositionAsync(channel);
                result = result with { Recoverable = true, Epoch = top.Epoch, Offset = top.Offset };
            }
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            _subscriptions.Remove(channel);
            _node.Hub.Remove(subscription);
            LogSubscribeFailed(_node.Logger, e, channel);
            ReplyError(id, ProtocolError.Internal);
            return;
        }

        GatewayMetrics.Subscriptions.Add(1);
        Reply((id, result), static (w, s) => ReplyWriter.Subscribe(w, s.id, s.result));
        subscription.Activate(result.Offset);
        if (options.Presence)
        {
            _node.Presence.Join(channel, ClientId, Identity!);
        }
    }

    private void HandleUnsubscribe(uint id, UnsubscribeRequest request)
    {
        if (_subscriptions.Remove(request.Channel, out var subscription))
        {
            _node.Hub.Remove(subscription);
            GatewayMetrics.Subscriptions.Add(-1);
            if (_node.Namespaces.Resolve(request.Channel) is { Presence: true })
            {
                _node.Presence.Leave(request.Channel, ClientId);
            }
        }

        ReplyEmpty(id, ReplyWriter.UnsubscribeMethod);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscribing to {Channel} failed")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception exception, string channel);
}
