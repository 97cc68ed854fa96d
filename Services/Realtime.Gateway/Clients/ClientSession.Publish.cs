using System.Diagnostics;
using Realtime.Gateway.Proxy;
using Realtime.Gateway.Telemetry;
using Realtime.Messaging.Log;
using Realtime.Protocol;
using Realtime.Protocol.Codes;
using Realtime.Protocol.Commands;

namespace Realtime.Gateway.Clients;

internal sealed partial class ClientSession
{
    /// <summary>
    /// Appends the publication to the log and acknowledges it only once the log durably has it:
    /// from then on it reaches subscribers live or through recovery.
    /// </summary>
    private async Task HandlePublishAsync(uint id, PublishRequest request)
    {
        var channel = request.Channel;
        if (!_node.Namespaces.IsValidName(channel) || request.Data.IsEmpty)
        {
            ReplyError(id, ProtocolError.BadRequest);
            return;
        }

        if (_node.Namespaces.Resolve(channel) is not { } options)
        {
            ReplyError(id, ProtocolError.UnknownChannel);
            return;
        }

        var data = request.Data;
        if (options.ProxyPublish && _node.Proxies.Options.PublishEndpoint is { } endpoint)
        {
            // The backend decides, and may rewrite what is published.
            var outcome = await _node.Proxies.CallAsync(endpoint, ProxyRequestFor() with { Channel = channel, Data = ProxyClient.ToElement(data) }, _closed.Token);
            if (!Accept(id, outcome))
            {
                return;
            }

            var rewritten = ProxyClient.FromProxy(outcome.Result!.Data, outcome.Result.B64Data);
            data = rewritten.IsEmpty ? data : rewritten;
        }
        else if (!(_node.Options.ClientInsecure
            || ((options.AllowPublishForClient || (options.AllowPublishForSubscriber && _subscriptions.Contains(channel)))
                && (!IsAnonymous || options.AllowPublishForAnonymous))))
        {
            ReplyError(id, ProtocolError.PermissionDenied);
            return;
        }

        // The command's own span (HandleMessageAsync), the trace the log, fanout and delivery
        // continue; never the request around the connection, which exists even when no one traces.
        var activity = Activity.Current is { } current && current.Source == GatewayTelemetry.Source ? current : null;
        activity?.SetTag("realtime.channel", channel);
        try
        {
            await _node.Publisher.PublishAsync(channel, data, new Protocol.Replies.ClientInfo(Identity!.User, ClientId, Identity.Info),
                tags: null, idempotencyKey: null, activity, CancellationToken.None);
        }
        catch (Exception e) when (e is LogRejectedException || TransientFailures.IsTransient(e))
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            LogPublishFailed(_node.Logger, e, channel);
            ReplyError(id, ProtocolError.Internal);
            return;
        }

        Push(ProtocolFrames.Empty(Format, id, CommandMethod.Publish));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing to {Channel} failed: the log did not accept it")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string channel);
}
