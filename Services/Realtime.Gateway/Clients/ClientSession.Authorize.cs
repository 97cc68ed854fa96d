using Realtime.Channels;
using Realtime.Gateway.Proxy;
using Realtime.Protocol;
using Realtime.Protocol.Codes;
using Realtime.Protocol.Commands;

namespace Realtime.Gateway.Clients;

internal sealed partial class ClientSession
{
    /// <summary>
    /// Decides a subscribe, as Centrifugo does: a valid subscription token, the namespace's
    /// own permissions (open to clients, or a user-limited channel naming this user), or the
    /// application backend's subscribe proxy. A private channel (<c>$</c>) takes the token and
    /// nothing else. Anything else is denied (103). Replies with the error itself and returns
    /// null when denied.
    /// </summary>
    private async Task<SubscribeGrant?> AuthorizeSubscribeAsync(uint id, SubscribeRequest request, ChannelOptions options)
    {
        if (!string.IsNullOrEmpty(request.Token))
        {
            var token = await VerifyTokenAsync(id, "subscription", InvalidTokenOutcome.PermissionDenied, (request.Token, Identity!.User, request.Channel),
                static (tokens, s, cancellationToken) => tokens.VerifySubscriptionTokenAsync(s.Token, s.User, s.Channel, cancellationToken));
            return token is null ? null : new SubscribeGrant(token.ExpiresAt, new RawJson(token.Info), RawJson.Empty);
        }

        if (_node.Namespaces.IsPrivate(request.Channel))
        {
            ReplyError(id, ProtocolError.PermissionDenied);
            return null;
        }

        if (_node.Options.ClientInsecure)
        {
            return SubscribeGrant.Open;
        }

        if (IsUserLimited(request.Channel, options))
        {
            // Only the users the channel names, whatever else the namespace allows.
            if (IsUserLimitedFor(request.Channel))
            {
                return SubscribeGrant.Open;
            }

            ReplyError(id, ProtocolError.PermissionDenied);
            return null;
        }

        if (options.AllowSubscribeForClient && (!IsAnonymous || options.AllowSubscribeForAnonymous))
        {
            return SubscribeGrant.Open;
        }

        if (options.ProxySubscribe && _node.Proxies.Options.SubscribeEndpoint is { } endpoint)
        {
            var outcome = await _node.Proxies.CallAsync(endpoint, ProxyRequestFor() with
            {
                Channel = request.Channel,
                Data = ProxyClient.ToElement(request.Data),
            }, _closed.Token);
            if (!Accept(id, outcome))
            {
                return null;
            }

            var result = outcome.Result!;
            return new SubscribeGrant(
                result.ExpireAt > 0 ? DateTimeOffset.FromUnixTimeSeconds(result.ExpireAt) : null,
                ProxyClient.FromProxy(result.Info, result.B64Info),
                ProxyClient.FromProxy(result.Data, result.B64Data));
        }

        ReplyError(id, ProtocolError.PermissionDenied);
        return null;
    }

    /// <summary>Whether the client connected without a user (anonymously).</summary>
    private bool IsAnonymous => Identity!.User.Length == 0;

    /// <summary>A user-limited channel (<c>dialog#42,43</c>), in a namespace that allows them.</summary>
    private bool IsUserLimited(string channel, ChannelOptions options) =>
        options.AllowUserLimitedChannels && channel.Contains(_node.Namespaces.Settings.UserBoundary);

    /// <summary>Whether this client's user is one that the user-limited channel names.</summary>
    private bool IsUserLimitedFor(string channel)
    {
        if (IsAnonymous)
        {
            return false;
        }

        var settings = _node.Namespaces.Settings;
        var boundary = channel.LastIndexOf(settings.UserBoundary);

        foreach (var user in channel.AsSpan(boundary + 1).Split(settings.UserSeparator))
        {
            if (channel.AsSpan(boundary + 1)[user].SequenceEqual(Identity!.User))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The fields every proxy request carries about this connection.</summary>
    private ProxyRequest ProxyRequestFor() => new()
    {
        Client = ClientId,
        User = Identity?.User,
        Headers = _proxyHeaders,
    };

    /// <summary>Applies a refusal from the backend (error reply or disconnect); true when it said yes.</summary>
    private bool Accept(uint id, ProxyOutcome outcome)
    {
        if (outcome.Disconnect is { } disconnect)
        {
            Close(disconnect);
            return false;
        }

        if (outcome.Error is { } error)
        {
            ReplyError(id, error);
            return false;
        }

        return true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Client {Client}: {Kind} token rejected: {Reason}")]
    private static partial void LogTokenRejected(ILogger logger, string client, string kind, string reason);
}
