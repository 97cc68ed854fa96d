using Realtime.Protocol.Codes;
using Realtime.Protocol.Commands;
using Realtime.Protocol.Protobuf;
using Realtime.Protocol.Replies;

namespace Realtime.Protocol;

/// <summary>
/// Every reply and push as one frame in a connection's format: the JSON writers
/// (<see cref="ReplyWriter"/>, <see cref="PushWriter"/>) or <see cref="ProtobufFrames"/>. The
/// one place a caller's choice of format turns into bytes.
/// </summary>
public static class ProtocolFrames
{
    public static ReadOnlyMemory<byte> Ping(ProtocolFormat format) => format == ProtocolFormat.Protobuf ? ProtobufFrames.Ping : FrameEncoder.Ping;

    public static ReadOnlyMemory<byte> Error(ProtocolFormat format, uint id, ProtocolError error) => format == ProtocolFormat.Protobuf
        ? ProtobufFrames.Error(id, error)
        : FrameEncoder.Encode((id, error), static (w, s) => ReplyWriter.Error(w, s.id, s.error));

    /// <summary>The reply to a publish, unsubscribe or ping: a result without fields.</summary>
    public static ReadOnlyMemory<byte> Empty(ProtocolFormat format, uint id, CommandMethod method) => format == ProtocolFormat.Protobuf
        ? ProtobufFrames.Empty(id, method)
        : FrameEncoder.Encode((id, method), static (w, s) => ReplyWriter.Empty(w, s.id, s.method switch
        {
            CommandMethod.Publish => ReplyWriter.PublishMethod,
            CommandMethod.Unsubscribe => ReplyWriter.UnsubscribeMethod,
            _ => ReplyWriter.PingMethod,
        }));

    public static ReadOnlyMemory<byte> Connect(ProtocolFormat format, uint id, ConnectResult result) => format == ProtocolFormat.Protobuf
        ? ProtobufFrames.Connect(id, result)
        : FrameEncoder.Encode((id, result), static (w, s) => ReplyWriter.Connect(w, s.id, s.result));

    public static ReadOnlyMemory<byte> Subscribe(ProtocolFormat format, uint id, SubscribeResult result) => format == ProtocolFormat.Protobuf
        ? ProtobufFrames.Subscribe(id, result)
        : FrameEncoder.Encode((id, result), static (w, s) => ReplyWriter.Subscribe(w, s.id, s.result));

    public static ReadOnlyMemory<byte> Refresh(ProtocolFormat format, uint id, RefreshResult result) => format == ProtocolFormat.Protobuf
        ? ProtobufFrames.Refresh(id, result)
        : FrameEncoder.Encode((id, result), static (w, s) => ReplyWriter.Refresh(w, s.id, s.result));

    public static ReadOnlyMemory<byte> SubRefresh(ProtocolFormat format, uint id, SubRefreshResult result) => format == ProtocolFormat.Protobuf
        ? ProtobufFrames.SubRefresh(id, result)
        : FrameEncoder.Encode((id, result), static (w, s) => ReplyWriter.SubRefresh(w, s.id, s.result));

    public static ReadOnlyMemory<byte> Presence(ProtocolFormat format, uint id, IReadOnlyDictionary<string, ClientInfo> presence) => format == ProtocolFormat.Protobuf
        ? ProtobufFrames.Presence(id, presence)
        : FrameEncoder.Encode((id, presence), static (w, s) => ReplyWriter.Presence(w, s.id, s.presence));

    public static ReadOnlyMemory<byte> PresenceStats(ProtocolFormat format, uint id, PresenceStatsResult result) => format == ProtocolFormat.Protobuf
        ? ProtobufFrames.PresenceStats(id, result)
        : FrameEncoder.Encode((id, result), static (w, s) => ReplyWriter.PresenceStats(w, s.id, s.result));

    public static ReadOnlyMemory<byte> History(ProtocolFormat format, uint id, HistoryResult result) => format == ProtocolFormat.Protobuf
        ? ProtobufFrames.History(id, result)
        : FrameEncoder.Encode((id, result), static (w, s) => ReplyWriter.History(w, s.id, s.result));

    public static ReadOnlyMemory<byte> Rpc(ProtocolFormat format, uint id, RawJson data) => format == ProtocolFormat.Protobuf
        ? ProtobufFrames.Rpc(id, data)
        : FrameEncoder.Encode((id, data), static (w, s) => ReplyWriter.Rpc(w, s.id, s.data));

    public static ReadOnlyMemory<byte> PublicationPush(ProtocolFormat format, string channel, Publication publication) => format == ProtocolFormat.Protobuf
        ? ProtobufFrames.PublicationPush(channel, publication)
        : FrameEncoder.Encode((channel, publication), static (w, s) => PushWriter.Publication(w, s.channel, s.publication));

    public static ReadOnlyMemory<byte> JoinPush(ProtocolFormat format, string channel, ClientInfo info) => format == ProtocolFormat.Protobuf
        ? ProtobufFrames.JoinPush(channel, info)
        : FrameEncoder.Encode((channel, info), static (w, s) => PushWriter.Join(w, s.channel, s.info));

    public static ReadOnlyMemory<byte> LeavePush(ProtocolFormat format, string channel, ClientInfo info) => format == ProtocolFormat.Protobuf
        ? ProtobufFrames.LeavePush(channel, info)
        : FrameEncoder.Encode((channel, info), static (w, s) => PushWriter.Leave(w, s.channel, s.info));

    public static ReadOnlyMemory<byte> UnsubscribePush(ProtocolFormat format, string channel, Unsubscribe reason) => format == ProtocolFormat.Protobuf
        ? ProtobufFrames.UnsubscribePush(channel, reason)
        : FrameEncoder.Encode((channel, reason), static (w, s) => PushWriter.Unsubscribe(w, s.channel, s.reason));

    public static ReadOnlyMemory<byte> SubscribePush(ProtocolFormat format, string channel, SubscribeResult result) => format == ProtocolFormat.Protobuf
        ? ProtobufFrames.SubscribePush(channel, result)
        : FrameEncoder.Encode((channel, result), static (w, s) => PushWriter.Subscribe(w, s.channel, s.result));

    public static ReadOnlyMemory<byte> MessagePush(ProtocolFormat format, RawJson data) => format == ProtocolFormat.Protobuf
        ? ProtobufFrames.MessagePush(data)
        : FrameEncoder.Encode(data, static (w, d) => PushWriter.Message(w, d));

    public static ReadOnlyMemory<byte> RefreshPush(ProtocolFormat format, bool expires, uint ttl) => format == ProtocolFormat.Protobuf
        ? ProtobufFrames.RefreshPush(expires, ttl)
        : FrameEncoder.Encode((expires, ttl), static (w, s) => PushWriter.Refresh(w, s.expires, s.ttl));

    /// <summary>Why the server ends the connection, for transports without a close frame (HTTP-streaming, SSE).</summary>
    public static ReadOnlyMemory<byte> DisconnectPush(ProtocolFormat format, Disconnect disconnect) => format == ProtocolFormat.Protobuf
        ? ProtobufFrames.DisconnectPush(disconnect)
        : FrameEncoder.Encode(disconnect, static (w, d) => PushWriter.Disconnect(w, d));

    /// <summary>Decodes one incoming message's commands (the JSON or Protobuf decoder).</summary>
    public static void DecodeCommands(ProtocolFormat format, ReadOnlyMemory<byte> message, List<Command> commands)
    {
        if (format == ProtocolFormat.Protobuf)
        {
            ProtobufCommandDecoder.Decode(message, commands);
        }
        else
        {
            CommandDecoder.Decode(message, commands);
        }
    }
}
