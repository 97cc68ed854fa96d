using System.Text.Json;
using static Realtime.Protocol.Commands.JsonFieldReader;

namespace Realtime.Protocol.Commands;

/// <summary>
/// Reads each request message of <c>client.proto</c>. Every field the protocol defines is
/// accepted (newer SDKs send fields older servers ignore); anything else is malformed.
/// </summary>
internal static class RequestReader
{
    public static ConnectRequest Connect(ref Utf8JsonReader reader, ReadOnlyMemory<byte> source)
    {
        ExpectStartObject(ref reader);
        string? token = null, name = null, version = null;
        RawJson data = default;
        Dictionary<string, SubscribeRequest>? subs = null;
        Dictionary<string, string>? headers = null;
        long flag = 0;
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("token"u8)) { reader.Read(); token = String(ref reader); }
            else if (reader.ValueTextEquals("data"u8)) { reader.Read(); data = Raw(ref reader, source); }
            else if (reader.ValueTextEquals("subs"u8)) { reader.Read(); subs = SubscribeMap(ref reader, source); }
            else if (reader.ValueTextEquals("name"u8)) { reader.Read(); name = String(ref reader); }
            else if (reader.ValueTextEquals("version"u8)) { reader.Read(); version = String(ref reader); }
            else if (reader.ValueTextEquals("headers"u8)) { reader.Read(); headers = StringMap(ref reader); }
            else if (reader.ValueTextEquals("flag"u8)) { reader.Read(); flag = Int64(ref reader); }
            else throw UnknownField(ref reader, "connect");
        }

        return new ConnectRequest { Token = token, Data = data, Subs = subs, Name = name, Version = version, Headers = headers, Flag = flag };
    }

    public static SubscribeRequest Subscribe(ref Utf8JsonReader reader, ReadOnlyMemory<byte> source)
    {
        ExpectStartObject(ref reader);
        var request = new SubscribeRequest();
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("channel"u8)) { reader.Read(); request = request with { Channel = RequiredString(ref reader) }; }
            else if (reader.ValueTextEquals("token"u8)) { reader.Read(); request = request with { Token = String(ref reader) }; }
            else if (reader.ValueTextEquals("recover"u8)) { reader.Read(); request = request with { Recover = Bool(ref reader) }; }
            else if (reader.ValueTextEquals("epoch"u8)) { reader.Read(); request = request with { Epoch = String(ref reader) }; }
            else if (reader.ValueTextEquals("offset"u8)) { reader.Read(); request = request with { Offset = UInt64(ref reader) }; }
            else if (reader.ValueTextEquals("data"u8)) { reader.Read(); request = request with { Data = Raw(ref reader, source) }; }
            else if (reader.ValueTextEquals("positioned"u8)) { reader.Read(); request = request with { Positioned = Bool(ref reader) }; }
            else if (reader.ValueTextEquals("recoverable"u8)) { reader.Read(); request = request with { Recoverable = Bool(ref reader) }; }
            else if (reader.ValueTextEquals("join_leave"u8)) { reader.Read(); request = request with { JoinLeave = Bool(ref reader) }; }
            else if (reader.ValueTextEquals("delta"u8)) { reader.Read(); request = request with { Delta = String(ref reader) }; }
            else if (reader.ValueTextEquals("tf"u8)) { reader.Read(); request = request with { TagsFilter = Raw(ref reader, source) }; }
            else if (reader.ValueTextEquals("flag"u8)) { reader.Read(); request = request with { Flag = Int64(ref reader) }; }
            else if (reader.ValueTextEquals("type"u8)) { reader.Read(); request = request with { Type = Int32(ref reader) }; }
            else if (reader.ValueTextEquals("phase"u8)) { reader.Read(); request = request with { Phase = Int32(ref reader) }; }
            else if (reader.ValueTextEquals("cursor"u8)) { reader.Read(); request = request with { Cursor = String(ref reader) }; }
            else if (reader.ValueTextEquals("limit"u8)) { reader.Read(); request = request with { Limit = Int32(ref reader) }; }
            else if (reader.ValueTextEquals("asc"u8)) { reader.Read(); request = request with { Asc = Bool(ref reader) }; }
            else throw UnknownField(ref reader, "subscribe");
        }

        return request;
    }

    public static UnsubscribeRequest Unsubscribe(ref Utf8JsonReader reader) =>
        new() { Channel = ChannelOnly(ref reader, "unsubscribe") };

    public static PresenceRequest Presence(ref Utf8JsonReader reader) =>
        new() { Channel = ChannelOnly(ref reader, "presence") };

    public static PresenceStatsRequest PresenceStats(ref Utf8JsonReader reader) =>
        new() { Channel = ChannelOnly(ref reader, "presence_stats") };

    public static PublishRequest Publish(ref Utf8JsonReader reader, ReadOnlyMemory<byte> source)
    {
        ExpectStartObject(ref reader);
        var request = new PublishRequest();
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("channel"u8)) { reader.Read(); request = request with { Channel = RequiredString(ref reader) }; }
            else if (reader.ValueTextEquals("data"u8)) { reader.Read(); request = request with { Data = Raw(ref reader, source) }; }
            else if (reader.ValueTextEquals("type"u8)) { reader.Read(); request = request with { Type = Int32(ref reader) }; }
            else if (reader.ValueTextEquals("key"u8)) { reader.Read(); request = request with { Key = String(ref reader) }; }
            else if (reader.ValueTextEquals("removed"u8)) { reader.Read(); request = request with { Removed = Bool(ref reader) }; }
            else throw UnknownField(ref reader, "publish");
        }

        return request;
    }

    public static HistoryRequest History(ref Utf8JsonReader reader)
    {
        ExpectStartObject(ref reader);
        var request = new HistoryRequest();
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("channel"u8)) { reader.Read(); request = request with { Channel = RequiredString(ref reader) }; }
            else if (reader.ValueTextEquals("limit"u8)) { reader.Read(); request = request with { Limit = Int32(ref reader) }; }
            else if (reader.ValueTextEquals("since"u8)) { reader.Read(); request = request with { Since = Position(ref reader) }; }
            else if (reader.ValueTextEquals("reverse"u8)) { reader.Read(); request = request with { Reverse = Bool(ref reader) }; }
            else throw UnknownField(ref reader, "history");
        }

        return request;
    }

    public static PingRequest Ping(ref Utf8JsonReader reader)
    {
        Empty(ref reader, "ping");
        return PingRequest.Instance;
    }

    public static SendRequest Send(ref Utf8JsonReader reader, ReadOnlyMemory<byte> source)
    {
        ExpectStartObject(ref reader);
        RawJson data = default;
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("data"u8)) { reader.Read(); data = Raw(ref reader, source); }
            else throw UnknownField(ref reader, "send");
        }

        return new SendRequest { Data = data };
    }

    public static RpcRequest Rpc(ref Utf8JsonReader reader, ReadOnlyMemory<byte> source)
    {
        ExpectStartObject(ref reader);
        var request = new RpcRequest();
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("data"u8)) { reader.Read(); request = request with { Data = Raw(ref reader, source) }; }
            else if (reader.ValueTextEquals("method"u8)) { reader.Read(); request = request with { RpcMethod = String(ref reader) }; }
            else throw UnknownField(ref reader, "rpc");
        }

        return request;
    }

    public static RefreshRequest Refresh(ref Utf8JsonReader reader)
    {
        ExpectStartObject(ref reader);
        string? token = null;
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("token"u8)) { reader.Read(); token = String(ref reader); }
            else throw UnknownField(ref reader, "refresh");
        }

        return new RefreshRequest { Token = token };
    }

    public static SubRefreshRequest SubRefresh(ref Utf8JsonReader reader)
    {
        ExpectStartObject(ref reader);
        var request = new SubRefreshRequest();
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("channel"u8)) { reader.Read(); request = request with { Channel = RequiredString(ref reader) }; }
            else if (reader.ValueTextEquals("token"u8)) { reader.Read(); request = request with { Token = String(ref reader) }; }
            // Keyed-state tracking fields of newer protocol revisions: accepted, not used.
            else if (reader.ValueTextEquals("items"u8) || reader.ValueTextEquals("untrack_keys"u8)
                     || reader.ValueTextEquals("type"u8) || reader.ValueTextEquals("signature"u8)) { reader.Read(); reader.Skip(); }
            else throw UnknownField(ref reader, "sub_refresh");
        }

        return request;
    }

    private static Dictionary<string, SubscribeRequest>? SubscribeMap(ref Utf8JsonReader reader, ReadOnlyMemory<byte> source)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        ExpectStartObject(ref reader);
        var subs = new Dictionary<string, SubscribeRequest>(StringComparer.Ordinal);
        while (NextProperty(ref reader))
        {
            var channel = reader.GetString()!;
            reader.Read();
            subs[channel] = Subscribe(ref reader, source) with { Channel = channel };
        }

        return subs;
    }

    private static StreamPosition? Position(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        ExpectStartObject(ref reader);
        ulong offset = 0;
        var epoch = "";
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("offset"u8)) { reader.Read(); offset = UInt64(ref reader); }
            else if (reader.ValueTextEquals("epoch"u8)) { reader.Read(); epoch = RequiredString(ref reader); }
            else throw UnknownField(ref reader, "since");
        }

        return new StreamPosition(offset, epoch);
    }

    private static string ChannelOnly(ref Utf8JsonReader reader, string request)
    {
        ExpectStartObject(ref reader);
        var channel = "";
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("channel"u8)) { reader.Read(); channel = RequiredString(ref reader); }
            else throw UnknownField(ref reader, request);
        }

        return channel;
    }

    private static void Empty(ref Utf8JsonReader reader, string request)
    {
        ExpectStartObject(ref reader);
        if (NextProperty(ref reader))
        {
            throw UnknownField(ref reader, request);
        }
    }
}
