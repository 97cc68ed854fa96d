using System.Text.Json;
using Realtime.Protocol.Codes;

namespace Realtime.Protocol.Replies;

/// <summary>
/// Writes server pushes: <c>{"push":{"channel":"…","pub":{…}}}</c> and its siblings. A push has
/// no id. Publications are written once per node and the bytes shared by every subscriber.
/// </summary>
public static class PushWriter
{
    public static void Publication(Utf8JsonWriter w, string channel, Publication publication)
    {
        Start(w, channel);
        w.WritePropertyName("pub"u8);
        ProtocolJson.WritePublication(w, publication);
        End(w);
    }

    public static void Join(Utf8JsonWriter w, string channel, ClientInfo info) => JoinOrLeave(w, channel, "join"u8, info);

    public static void Leave(Utf8JsonWriter w, string channel, ClientInfo info) => JoinOrLeave(w, channel, "leave"u8, info);

    public static void Unsubscribe(Utf8JsonWriter w, string channel, Unsubscribe reason)
    {
        Start(w, channel);
        w.WriteStartObject("unsubscribe"u8);
        w.WriteNumber("code"u8, reason.Code);
        w.WriteString("reason"u8, reason.Reason);
        w.WriteEndObject();
        End(w);
    }

    public static void Message(Utf8JsonWriter w, RawJson data)
    {
        Start(w, channel: null);
        w.WriteStartObject("message"u8);
        ProtocolJson.WriteRaw(w, "data"u8, data);
        w.WriteEndObject();
        End(w);
    }

    /// <summary>A server-side subscription made after connect.</summary>
    public static void Subscribe(Utf8JsonWriter w, string channel, SubscribeResult result)
    {
        Start(w, channel);
        w.WritePropertyName("subscribe"u8);
        ReplyWriter.SubscribeBody(w, result);
        End(w);
    }

    public static void Disconnect(Utf8JsonWriter w, Disconnect disconnect)
    {
        Start(w, channel: null);
        w.WriteStartObject("disconnect"u8);
        w.WriteNumber("code"u8, disconnect.Code);
        w.WriteString("reason"u8, disconnect.Reason);
        w.WriteEndObject();
        End(w);
    }

    /// <summary>The connection's new expiry after a server-side refresh.</summary>
    public static void Refresh(Utf8JsonWriter w, bool expires, uint ttl)
    {
        Start(w, channel: null);
        w.WriteStartObject("refresh"u8);
        if (expires) w.WriteBoolean("expires"u8, true);
        if (ttl > 0) w.WriteNumber("ttl"u8, ttl);
        w.WriteEndObject();
        End(w);
    }

    private static void JoinOrLeave(Utf8JsonWriter w, string channel, ReadOnlySpan<byte> kind, ClientInfo info)
    {
        Start(w, channel);
        w.WriteStartObject(kind);
        w.WritePropertyName("info"u8);
        ProtocolJson.WriteClientInfo(w, info);
        w.WriteEndObject();
        End(w);
    }

    private static void Start(Utf8JsonWriter w, string? channel)
    {
        w.WriteStartObject();
        w.WriteStartObject("push"u8);
        if (!string.IsNullOrEmpty(channel))
        {
            w.WriteString("channel"u8, channel);
        }
    }

    private static void End(Utf8JsonWriter w)
    {
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
