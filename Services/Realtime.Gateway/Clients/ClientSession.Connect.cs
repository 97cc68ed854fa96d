using Realtime.Gateway.Proxy;
using Realtime.Protocol;
using Realtime.Protocol.Codes;
using Realtime.Protocol.Commands;
using Realtime.Protocol.Replies;

namespace Realtime.Gateway.Clients;

internal sealed partial class ClientSession
{
    /// <summary>The protocol-level version this server reports in connect replies.</summary>
    private const string ServerVersion = "0.1.0";

    /// <summary>
    /// Establishes who the client is — from a connection token, the connect proxy, or (where
    /// configured) as anonymous — then applies connection limits, subscribes the server-side
    /// channels and replies.
    /// </summary>
    private async Task HandleConnectAsync(uint id, ConnectRequest request)
    {
        if (Identity is not null)
        {
            Close(Disconnect.BadRequest);
            return;
        }

        var established = await AuthenticateAsync(id, request);
        if (established is null)
        {
            return;
        }

        var (identity, channels, data) = established.Value;
        if (!_node.Sessions.TryAdmit(this, identity.User, _node.Options))
        {
            Close(Disconnect.ConnectionLimit);
            return;
        }

        Identity = identity;
        Heartbeat.MarkConnected();
        var subs = await SubscribeServerSideAsync(channels, request.Subs);
        if (subs is null)
        {
            return; // Disconnected (channel limit or a failing channel).
        }

        var result = new ConnectResult
        {
            Client = ClientId,
            Version = ServerVersion,
            Expires = identity.ExpiresAt is not null,
            Ttl = identity.TtlSeconds(_node.Time),
            Data = data,
            Subs = subs.Count > 0 ? subs.ToDictionary(s => s.Channel, s => s.Result) : null,
            Ping = (uint)_node.Options.PingInterval.TotalSeconds,
            Pong = true,
            Node = _node.Name,
            Session = SessionId,
        };
        // Server-side subscriptions' presence entries exist when the client learns of them.
        if (subs.Count > 0)
        {
            var joins = new Task[subs.Count];
            for (var i = 0; i < subs.Count; i++)
            {
                joins[i] = ReportJoinAsync(subs[i].Channel, subs[i].Options, SubscribeGrant.Open);
            }

            await Task.WhenAll(joins);
        }

        Push(ProtocolFrames.Connect(Format, id, result));
        foreach (var sub in subs)
        {
            sub.Subscription.Activate(sub.Result.Offset, sub.Result.Epoch);
            AfterSubscribed(sub.Channel, sub.Options, SubscribeGrant.Open);
        }
    }

    private async Task<(ClientIdentity Identity, IReadOnlyList<string> Channels, RawJson Data)?> AuthenticateAsync(uint id, ConnectRequest request)
    {
        if (!string.IsNullOrEmpty(request.Token))
        {
            var token = await VerifyConnectionTokenAsync(id, "connection", request.Token);
            return token is null ? null : (new ClientIdentity(token.User, new RawJson(token.Info), token.ExpiresAt), token.Channels, RawJson.Empty);
        }

        if (_node.Proxies.Options.ConnectEndpoint is { } endpoint)
        {
            var outcome = await _node.Proxies.CallAsync(endpoint, ProxyRequestFor() with
            {
                Name = request.Name,
                Version = request.Version,
                Data = ProxyClient.ToElement(request.Data),
            }, _closed.Token);
            if (!Accept(id, outcome))
            {
                return null;
            }

            var result = outcome.Result!;
            var expiresAt = result.ExpireAt > 0 ? DateTimeOffset.FromUnixTimeSeconds(result.ExpireAt) : (DateTimeOffset?)null;
            return (new ClientIdentity(result.User ?? "", ProxyClient.FromProxy(result.Info, result.B64Info), expiresAt),
                (IReadOnlyList<string>?)result.Channels ?? [], ProxyClient.FromProxy(result.Data, result.B64Data));
        }

        if (_node.Options.AllowAnonymous || _node.Options.ClientInsecure)
        {
            return (new ClientIdentity("", RawJson.Empty, null), [], RawJson.Empty);
        }

        ReplyError(id, ProtocolError.Unauthorized);
        return null;
    }

    /// <summary>
    /// Subscribes the channels the token or proxy named (recovering those the client says it
    /// had). Exceeding the channel limit closes the connection with 3505.
    /// </summary>
    private async Task<List<ServerSideSubscription>?> SubscribeServerSideAsync(IReadOnlyList<string> channels, IReadOnlyDictionary<string, SubscribeRequest>? previous)
    {
        var subscribed = new List<ServerSideSubscription>(channels.Count);
        if (channels.Count > _node.Options.MaxChannelsPerConnection)
        {
            Close(Disconnect.ChannelLimit);
            return null;
        }

        foreach (var channel in channels)
        {
            if (!_node.Namespaces.IsValidName(channel) || _node.Namespaces.Resolve(channel) is not { } options || _subscriptions.Contains(channel))
            {
                continue;
            }

            var request = previous?.GetValueOrDefault(channel) ?? new SubscribeRequest { Channel = channel };
            var outcome = await SubscribeAsync(channel, options, request with { Channel = channel }, SubscribeGrant.Open);
            if (outcome.Error is not null)
            {
                Close(Disconnect.ServerError);
                return null;
            }

            subscribed.Add(new ServerSideSubscription(channel, options, outcome.Subscription!, outcome.Result!));
        }

        return subscribed;
    }

    private sealed record ServerSideSubscription(string Channel, Channels.ChannelOptions Options, Hub.ChannelSubscription Subscription, SubscribeResult Result);
}
