using Realtime.Protocol;
using Realtime.Protocol.Codes;
using Realtime.Protocol.Commands;
using Realtime.Protocol.Replies;

namespace Realtime.Connection.Clients;

internal sealed partial class ClientSession
{
    /// <summary>The protocol-level version this server reports in connect replies.</summary>
    private const string ServerVersion = "0.1.0";

    private Task HandleConnectAsync(uint id, ConnectRequest request)
    {
        if (Identity is not null)
        {
            Disconnect(Protocol.Codes.Disconnect.BadRequest);
            return Task.CompletedTask;
        }

        if (!string.IsNullOrEmpty(request.Token) || !_node.Options.AllowAnonymous)
        {
            // Token verification arrives with the auth work; until then only configured anonymous access exists.
            ReplyError(id, ProtocolError.Unauthorized);
            return Task.CompletedTask;
        }

        Identity = new ClientIdentity(User: "", Info: RawJson.Empty);
        Heartbeat.MarkConnected();
        var result = new ConnectResult
        {
            Client = ClientId,
            Version = ServerVersion,
            Ping = (uint)_node.Options.PingInterval.TotalSeconds,
            Pong = true,
            Node = _node.Name,
        };
        Reply((id, result), static (w, s) => ReplyWriter.Connect(w, s.id, s.result));
        return Task.CompletedTask;
    }
}
