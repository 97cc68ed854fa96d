using Realtime.Protocol;
using Realtime.Protocol.Codes;
using Realtime.Protocol.Commands;
using Realtime.Protocol.Replies;

namespace Realtime.Gateway.Clients;

internal sealed partial class ClientSession
{
    /// <summary>
    /// A new connection token before the old one runs out. An expired token is answered 109 so
    /// the SDK fetches another; a token for another user, or a bad one, ends the connection.
    /// </summary>
    private async Task HandleRefreshAsync(uint id, RefreshRequest request)
    {
        var identity = Identity!;
        if (!string.IsNullOrEmpty(request.Token))
        {
            var token = await VerifyConnectionTokenAsync(id, "refresh", request.Token);
            if (token is null)
            {
                return;
            }

            if (token.User != identity.User)
            {
                Close(Disconnect.InvalidToken);
                return;
            }

            identity = identity with
            {
                ExpiresAt = token.ExpiresAt,
                Info = token.Info.IsEmpty ? identity.Info : new RawJson(token.Info),
            };
        }
        else if (_node.Proxies.Options.RefreshEndpoint is { } endpoint)
        {
            var outcome = await _node.Proxies.CallAsync(endpoint, ProxyRequestFor(), _closed.Token);
            if (!Accept(id, outcome))
            {
                return;
            }

            if (outcome.Result!.Expired)
            {
                Close(Disconnect.Expired);
                return;
            }

            identity = identity with
            {
                ExpiresAt = outcome.Result.ExpireAt > 0 ? DateTimeOffset.FromUnixTimeSeconds(outcome.Result.ExpireAt) : null,
            };
        }
        else
        {
            ReplyError(id, ProtocolError.BadRequest);
            return;
        }

        Identity = identity;
        var result = new RefreshResult(ClientId, ServerVersion, identity.ExpiresAt is not null, identity.TtlSeconds(_node.Time));
        Push(ProtocolFrames.Refresh(Format, id, result));
    }

    /// <summary>A new subscription token (or a sub-refresh proxy answer) extends a subscription's expiry.</summary>
    private async Task HandleSubRefreshAsync(uint id, SubRefreshRequest request)
    {
        if (!_subscriptions.TryGet(request.Channel, out var subscription))
        {
            ReplyError(id, ProtocolError.BadRequest);
            return;
        }

        DateTimeOffset? expiresAt;
        if (!string.IsNullOrEmpty(request.Token))
        {
            var token = await VerifyTokenAsync(id, "sub_refresh", InvalidTokenOutcome.PermissionDenied, (request.Token, Identity!.User, request.Channel),
                static (tokens, s, cancellationToken) => tokens.VerifySubscriptionTokenAsync(s.Token, s.User, s.Channel, cancellationToken));
            if (token is null)
            {
                return;
            }

            expiresAt = token.ExpiresAt;
        }
        else if (_node.Namespaces.Resolve(request.Channel) is { ProxySubRefresh: true } && _node.Proxies.Options.SubRefreshEndpoint is { } endpoint)
        {
            var outcome = await _node.Proxies.CallAsync(endpoint, ProxyRequestFor() with { Channel = request.Channel }, _closed.Token);
            if (!Accept(id, outcome))
            {
                return;
            }

            if (outcome.Result!.Expired)
            {
                ServerUnsubscribe(request.Channel, Protocol.Codes.Unsubscribe.Expired);
                return;
            }

            expiresAt = outcome.Result.ExpireAt > 0 ? DateTimeOffset.FromUnixTimeSeconds(outcome.Result.ExpireAt) : null;
        }
        else
        {
            ReplyError(id, ProtocolError.BadRequest);
            return;
        }

        subscription.ExpiresAt = expiresAt;
        var grant = new SubscribeGrant(expiresAt, RawJson.Empty, RawJson.Empty);
        var result = new SubRefreshResult(expiresAt is not null, grant.TtlSeconds(_node.Time));
        Push(ProtocolFrames.SubRefresh(Format, id, result));
    }
}
