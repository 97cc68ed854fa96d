using Google.Protobuf;
using Realtime.Protocol.Codes;
using Realtime.Protocol.Commands;
using Realtime.Protocol.Replies;

namespace Realtime.Protocol.Protobuf;

/// <summary>
/// Replies and pushes in the Protobuf protocol, each a length-delimited <c>Reply</c> (so frames
/// queued together are simply concatenated into one binary WebSocket message). Mirrors
/// <see cref="ReplyWriter"/> and <see cref="PushWriter"/> field for field; absent fields are
/// proto3 defaults, which is how the JSON writers' omissions read in this format.
/// </summary>
public static class ProtobufFrames
{
    /// <summary>The server's ping (an empty reply), and the client's pong (an empty command): one zero length byte.</summary>
    public static ReadOnlyMemory<byte> Ping { get; } = new byte[] { 0 };

    public static byte[] Error(uint id, ProtocolError error) =>
        Frame(new Wire.Reply { Id = id, Error = new Wire.Error { Code = error.Code, Message = error.Message, Temporary = error.Temporary } });

    /// <summary>A reply whose result has no fields (publish, unsubscribe, ping).</summary>
    public static byte[] Empty(uint id, CommandMethod method)
    {
        var reply = new Wire.Reply { Id = id };
        switch (method)
        {
            case CommandMethod.Publish:
                reply.Publish = new Wire.PublishResult();
                break;
            case CommandMethod.Unsubscribe:
                reply.Unsubscribe = new Wire.UnsubscribeResult();
                break;
            default:
                reply.Ping = new Wire.PingResult();
                break;
        }

        return Frame(reply);
    }

    public static byte[] Connect(uint id, ConnectResult result) => Frame(new Wire.Reply { Id = id, Connect = ConnectBody(result) });

    public static byte[] Subscribe(uint id, SubscribeResult result) => Frame(new Wire.Reply { Id = id, Subscribe = SubscribeBody(result) });

    public static byte[] Refresh(uint id, RefreshResult result) => Frame(new Wire.Reply
    {
        Id = id,
        Refresh = new Wire.RefreshResult { Client = result.Client, Version = result.Version, Expires = result.Expires, Ttl = result.Ttl },
    });

    public static byte[] SubRefresh(uint id, SubRefreshResult result) =>
        Frame(new Wire.Reply { Id = id, SubRefresh = new Wire.SubRefreshResult { Expires = result.Expires, Ttl = result.Ttl } });

    public static byte[] Presence(uint id, IReadOnlyDictionary<string, ClientInfo> presence)
    {
        var body = new Wire.PresenceResult();
        foreach (var (client, info) in presence)
        {
            body.Presence.Add(client, Info(info));
        }

        return Frame(new Wire.Reply { Id = id, Presence = body });
    }

    public static byte[] PresenceStats(uint id, PresenceStatsResult result) =>
        Frame(new Wire.Reply { Id = id, PresenceStats = new Wire.PresenceStatsResult { NumClients = result.NumClients, NumUsers = result.NumUsers } });

    public static byte[] History(uint id, HistoryResult result)
    {
        var body = new Wire.HistoryResult { Epoch = result.Epoch, Offset = result.Offset };
        foreach (var publication in result.Publications)
        {
            body.Publications.Add(Publication(publication));
        }

        return Frame(new Wire.Reply { Id = id, History = body });
    }

    public static byte[] Rpc(uint id, RawJson data) => Frame(new Wire.Reply { Id = id, Rpc = new Wire.RPCResult { Data = Bytes(data) } });

    public static byte[] PublicationPush(string channel, Publication publication) =>
        Push(new Wire.Push { Channel = channel, Pub = Publication(publication) });

    public static byte[] JoinPush(string channel, ClientInfo info) => Push(new Wire.Push { Channel = channel, Join = new Wire.Join { Info = Info(info) } });

    public static byte[] LeavePush(string channel, ClientInfo info) => Push(new Wire.Push { Channel = channel, Leave = new Wire.Leave { Info = Info(info) } });

    public static byte[] UnsubscribePush(string channel, Unsubscribe reason) =>
        Push(new Wire.Push { Channel = channel, Unsubscribe = new Wire.Unsubscribe { Code = reason.Code, Reason = reason.Reason } });

    public static byte[] MessagePush(RawJson data) => Push(new Wire.Push { Message = new Wire.Message { Data = Bytes(data) } });

    /// <summary>A server-side subscription made after connect (its position; publications come as pushes).</summary>
    public static byte[] SubscribePush(string channel, SubscribeResult result) => Push(new Wire.Push
    {
        Channel = channel,
        Subscribe = new Wire.Subscribe
        {
            Recoverable = result.Recoverable,
            Epoch = result.Epoch ?? "",
            Offset = result.Offset,
            Positioned = result.Positioned,
            Data = Bytes(result.Data),
        },
    });

    public static byte[] DisconnectPush(Disconnect disconnect) =>
        Push(new Wire.Push { Disconnect = new Wire.Disconnect { Code = disconnect.Code, Reason = disconnect.Reason } });

    /// <summary>The connection's new expiry after a server-side refresh.</summary>
    public static byte[] RefreshPush(bool expires, uint ttl) => Push(new Wire.Push { Refresh = new Wire.Refresh { Expires = expires, Ttl = ttl } });

    internal static Wire.ConnectResult ConnectBody(ConnectResult result)
    {
        var body = new Wire.ConnectResult
        {
            Client = result.Client,
            Version = result.Version,
            Expires = result.Expires,
            Ttl = result.Ttl,
            Data = Bytes(result.Data),
            Ping = result.Ping,
            Pong = result.Pong,
            Node = result.Node ?? "",
            Session = result.Session ?? "",
        };
        if (result.Subs is { } subs)
        {
            foreach (var (channel, sub) in subs)
            {
                body.Subs.Add(channel, SubscribeBody(sub));
            }
        }

        return body;
    }

    internal static Wire.SubscribeResult SubscribeBody(SubscribeResult result)
    {
        var body = new Wire.SubscribeResult
        {
            Expires = result.Expires,
            Ttl = result.Ttl,
            Recoverable = result.Recoverable,
            Epoch = result.Epoch ?? "",
            Recovered = result.Recovered,
            Offset = result.Offset,
            Positioned = result.Positioned,
            Data = Bytes(result.Data),
            WasRecovering = result.WasRecovering,
            Delta = result.Delta,
        };
        if (result.Publications is { } publications)
        {
            foreach (var publication in publications)
            {
                body.Publications.Add(Publication(publication));
            }
        }

        return body;
    }

    internal static Wire.Publication Publication(Publication publication)
    {
        var body = new Wire.Publication { Offset = publication.Offset, Time = publication.Time };
        if (publication.Form == PublicationDataForm.Delta)
        {
            // A delta is raw bytes here; JSON has to carry it as a string.
            body.Data = UnsafeByteOperations.UnsafeWrap(publication.DeltaBytes);
            body.Delta = true;
        }
        else
        {
            body.Data = Bytes(publication.Data);
        }

        if (publication.Info is { } info)
        {
            body.Info = Info(info);
        }

        if (publication.Tags is { } tags)
        {
            foreach (var (key, value) in tags)
            {
                body.Tags.Add(key, value);
            }
        }

        return body;
    }

    private static Wire.ClientInfo Info(ClientInfo info) => new()
    {
        User = info.User,
        Client = info.Client,
        ConnInfo = Bytes(info.ConnInfo),
        ChanInfo = Bytes(info.ChanInfo),
    };

    /// <summary>
    /// Payload bytes without a copy: the message is written out at once (<see cref="Frame"/>) and
    /// dropped, and the payload is never changed while it is read (frames and deliveries are not reused).
    /// </summary>
    private static ByteString Bytes(RawJson json) => json.IsEmpty ? ByteString.Empty : UnsafeByteOperations.UnsafeWrap(json.Utf8);

    private static byte[] Push(Wire.Push push) => Frame(new Wire.Reply { Push = push });

    /// <summary>A message with its varint length in front, as one exact-size array.</summary>
    public static byte[] Frame(IMessage message)
    {
        var size = message.CalculateSize();
        var frame = new byte[CodedOutputStream.ComputeLengthSize(size) + size];
        var output = new CodedOutputStream(frame);
        output.WriteLength(size);
        message.WriteTo(output);
        output.CheckNoSpaceLeft();
        return frame;
    }
}
