using Realtime.Channels;
using Realtime.Protocol;
using Realtime.Protocol.Codes;
using Realtime.Protocol.Commands;
using Realtime.Protocol.Replies;

namespace Realtime.Gateway.Clients;

internal sealed partial class ClientSession
{
    private async Task HandlePresenceAsync(uint id, string channel, bool statsOnly)
    {
        if (ResolveForQuery(id, channel, static o => o.Presence, static o => o.AllowPresenceForSubscriber, static o => o.AllowPresenceForAnonymous) is null)
        {
            return;
        }

        try
        {
            if (statsOnly)
            {
                var stats = await _node.PresenceQueries.GetStatsAsync(channel, _closed.Token);
                Push(ProtocolFrames.PresenceStats(Format, id, stats));
            }
            else
            {
                var presence = await _node.PresenceQueries.GetAsync(channel, _closed.Token);
                Push(ProtocolFrames.Presence(Format, id, presence));
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or Polly.ExecutionRejectedException && !_closed.IsCancellationRequested)
        {
            LogBackendFailed(_node.Logger, e, "presence", channel);
            ReplyError(id, ProtocolError.Internal);
        }
    }

    private async Task HandleHistoryAsync(uint id, HistoryRequest request)
    {
        if (ResolveForQuery(id, request.Channel, static o => o.HistoryEnabled, static o => o.AllowHistoryForSubscriber, static o => o.AllowHistoryForAnonymous) is null)
        {
            return;
        }

        try
        {
            var page = await _node.History.GetAsync(request.Channel, request.Limit, request.Since?.Offset, request.Since?.Epoch, request.Reverse, _closed.Token);
            if (page.Unrecoverable)
            {
                ReplyError(id, ProtocolError.UnrecoverablePosition);
                return;
            }

            // A page stops where the reply would outgrow its budget; the client pages on from there.
            var publications = new Publication[ReplyBudget.CountThatFit(page.Publications, _node.Options.ReplyBudgetBytes)];
            for (var i = 0; i < publications.Length; i++)
            {
                publications[i] = page.Publications[i].ToClientPublication();
            }

            var result = new HistoryResult(publications, page.Epoch, page.Offset);
            Push(ProtocolFrames.History(Format, id, result));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or Polly.ExecutionRejectedException && !_closed.IsCancellationRequested)
        {
            LogBackendFailed(_node.Logger, e, "history", request.Channel);
            ReplyError(id, ProtocolError.Internal);
        }
    }

    /// <summary>
    /// Checks a presence or history query: a known channel whose namespace has the feature
    /// (else 108) and a subscriber allowed to ask — an anonymous one only where the namespace
    /// allows anonymous users too — (else 103). Replies with the error itself.
    /// </summary>
    private ChannelOptions? ResolveForQuery(uint id, string channel, Func<ChannelOptions, bool> featureEnabled, Func<ChannelOptions, bool> allowedForSubscriber,
        Func<ChannelOptions, bool> allowedForAnonymous)
    {
        if (!_node.Namespaces.IsValidName(channel))
        {
            ReplyError(id, ProtocolError.BadRequest);
            return null;
        }

        if (_node.Namespaces.Resolve(channel) is not { } options)
        {
            ReplyError(id, ProtocolError.UnknownChannel);
            return null;
        }

        if (!featureEnabled(options))
        {
            ReplyError(id, ProtocolError.NotAvailable);
            return null;
        }

        if (!_node.Options.ClientInsecure
            && !(allowedForSubscriber(options) && _subscriptions.Contains(channel) && (!IsAnonymous || allowedForAnonymous(options))))
        {
            ReplyError(id, ProtocolError.PermissionDenied);
            return null;
        }

        return options;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The {Backend} service failed for channel {Channel}")]
    private static partial void LogBackendFailed(ILogger logger, Exception exception, string backend, string channel);
}
