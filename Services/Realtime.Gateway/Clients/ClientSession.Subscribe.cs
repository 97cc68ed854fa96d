using Realtime.Channels;
using Realtime.Gateway.Hub;
using Realtime.Gateway.Telemetry;
using Realtime.Protocol;
using Realtime.Protocol.Codes;
using Realtime.Protocol.Commands;
using Realtime.Protocol.Replies;
using StackExchange.Redis;

namespace Realtime.Gateway.Clients;

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

        if (_subscriptions.Contains(channel))
        {
            ReplyError(id, ProtocolError.AlreadySubscribed);
            return;
        }

        if (_subscriptions.Count >= _node.Options.MaxChannelsPerConnection)
        {
            ReplyError(id, ProtocolError.LimitExceeded);
            return;
        }

        if (await AuthorizeSubscribeAsync(id, request, options) is not { } grant)
        {
            return; // The authorizer replied with the reason.
        }

        var outcome = await SubscribeAsync(channel, options, request, grant);
        if (outcome.Error is { } error)
        {
            ReplyError(id, error);
            return;
        }

        // The entry exists when the client learns it is subscribed (publications wait for Activate).
        await ReportJoinAsync(channel, options, grant);
        Push(ProtocolFrames.Subscribe(Format, id, outcome.Result!));
        outcome.Subscription!.Activate(outcome.Result!.Offset, outcome.Result.Epoch);
        AfterSubscribed(channel, options, grant);
    }

    /// <summary>
    /// Subscribes on this node and answers with the channel's position (and what the client
    /// missed, when it recovers). Used for client and server-side subscriptions alike.
    /// </summary>
    private async Task<SubscribeOutcome> SubscribeAsync(string channel, ChannelOptions options, SubscribeRequest request, SubscribeGrant grant)
    {
        // Recovery is on where the namespace forces it or the client asks for it; a recoverable
        // subscription is always positioned (gaps in its live stream make it recover).
        var recoveryOn = options.HistoryEnabled && (options.ForceRecovery || request.Recoverable);
        var positioned = recoveryOn || (options.HistoryEnabled && (options.ForcePositioning || request.Positioned));
        var subscription = new ChannelSubscription(channel, this, positioned)
        {
            Delta = options.AllowsDelta(request.Delta),
            PushJoinLeave = options.ForcePushJoinLeave || (options.JoinLeave && request.JoinLeave),
            ChannelInfo = grant.ChannelInfo,
            ExpiresAt = grant.ExpiresAt,
        };
        _subscriptions.Set(subscription);
        try
        {
            // Listen first, then read the position: nothing published in between can be missed,
            // and what the answer already covers is skipped when the subscription activates.
            await _node.Hub.AddAsync(subscription);
            var result = new SubscribeResult
            {
                Positioned = subscription.Positioned,
                Expires = grant.ExpiresAt is not null,
                Ttl = grant.TtlSeconds(_node.Time),
                Data = grant.Data,
                Delta = subscription.Delta,
            };
            if (options.HistoryEnabled)
            {
                result = recoveryOn && request.Recover
                    ? await RecoverAsync(channel, request.Offset, request.Epoch ?? "", options.RecoverFromStorage, result)
                    : await PositionAsync(channel, result with { Recoverable = recoveryOn });
            }

            // Only a client that asked to recover hears that it was recovering (as Centrifugo answers).
            result = result with { WasRecovering = request.Recover };
            if (request.Recover && !result.Recovered && (request.Flag & RejectUnrecoveredFlag) != 0)
            {
                // The client keeps its own state (the SDKs' getState) and reloads it on 112
                // rather than continue from a position with a gap.
                _subscriptions.TryRemove(channel, out _);
                _node.Hub.Remove(subscription);
                return new SubscribeOutcome(null, null, ProtocolError.UnrecoverablePosition);
            }

            GatewayMetrics.Subscriptions.Add(1);
            return new SubscribeOutcome(subscription, result, null);
        }
        catch (Exception e) when (e is RedisException or TimeoutException or HttpRequestException or TaskCanceledException or Polly.ExecutionRejectedException)
        {
            // A dependency that is down or shedding load (the HTTP clients' resilience limits)
            // answers this subscribe with a temporary error; the client retries it.
            _subscriptions.TryRemove(channel, out _);
            _node.Hub.Remove(subscription);
            LogSubscribeFailed(_node.Logger, e, channel);
            return new SubscribeOutcome(null, null, ProtocolError.Internal);
        }
    }

    /// <summary>Subscribe flag bit the SDKs set when they supply their own stream position.</summary>
    private const long RejectUnrecoveredFlag = 2;

    private async Task<SubscribeResult> PositionAsync(string channel, SubscribeResult result)
    {
        var top = await _node.Streams.GetPositionAsync(channel);
        return result with { Epoch = top.Epoch, Offset = top.Offset };
    }

    /// <summary>
    /// Recovery: the publications after (offset, epoch), in order, inside the reply — or
    /// <c>recovered: false</c> when the epoch changed or the gap is longer than allowed.
    /// </summary>
    private async Task<SubscribeResult> RecoverAsync(string channel, ulong offset, string epoch, bool fromStorage, SubscribeResult result)
    {
        var max = _node.Options.RecoveryMaxPublications;
        var page = await _node.Recovery.ReadAfterAsync(channel, offset, epoch, max, fromStorage, _closed.Token);
        result = result with { Recoverable = true, Epoch = page.Epoch, Offset = page.Offset };
        if (page.Unrecoverable || page.Publications.Count > max || !ReplyBudget.AllFit(page.Publications, _node.Options.ReplyBudgetBytes))
        {
            GatewayMetrics.RecordRecovery(recovered: false);
            return result;
        }

        var publications = new Publication[page.Publications.Count];
        for (var i = 0; i < publications.Length; i++)
        {
            // A delta subscriber gets recovered payloads in full, as strings: each is its next base.
            publications[i] = result.Delta
                ? page.Publications[i].ToClientPublication() with { Form = PublicationDataForm.FullString }
                : page.Publications[i].ToClientPublication();
        }

        GatewayMetrics.RecordRecovery(recovered: true);
        return result with { Recovered = true, Publications = publications };
    }

    private async Task HandleUnsubscribeAsync(uint id, UnsubscribeRequest request)
    {
        // The entry is gone when the client learns it is unsubscribed.
        Unsubscribe(request.Channel, out var presenceReported);
        await presenceReported;
        Push(ProtocolFrames.Empty(Format, id, CommandMethod.Unsubscribe));
    }

    private bool Unsubscribe(string channel) => Unsubscribe(channel, out _);

    /// <summary>
    /// Ends a subscription on this node: no more pushes, presence and leave reported
    /// (<paramref name="presenceReported"/> completes once presence has the removal).
    /// </summary>
    private bool Unsubscribe(string channel, out Task presenceReported)
    {
        presenceReported = Task.CompletedTask;
        if (!_subscriptions.TryRemove(channel, out var subscription))
        {
            return false;
        }

        _node.Hub.Remove(subscription);
        GatewayMetrics.Subscriptions.Add(-1);
        if (_node.Namespaces.Resolve(channel) is { } options)
        {
            presenceReported = AfterUnsubscribed(channel, options, subscription);
        }

        return true;
    }

    private sealed record SubscribeOutcome(ChannelSubscription? Subscription, SubscribeResult? Result, ProtocolError? Error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscribing to {Channel} failed")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception exception, string channel);
}
