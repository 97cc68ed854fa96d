using System.Text.Json;
using Realtime.Protocol.Codes;

namespace Realtime.Protocol.Replies;

/// <summary>
/// Writes replies (answers to commands, carrying the command's id) in the JSON protocol.
/// Empty fields are omitted, as Centrifugo omits them.
/// </summary>
public static class ReplyWriter
{
    public static readonly JsonEncodedText PingMethod = JsonEncodedText.Encode("ping");
    public static readonly JsonEncodedText PublishMethod = JsonEncodedText.Encode("publish");
    public static readonly JsonEncodedText UnsubscribeMethod = JsonEncodedText.Encode("unsubscribe");

    public static void Error(Utf8JsonWriter w, uint id, ProtocolError error)
    {
        w.WriteStartObject();
        w.WriteNumber("id"u8, id);
        w.WriteStartObject("error"u8);
        w.WriteNumber("code"u8, error.Code);
        w.WriteString("message"u8, error.Message);
        if (error.Temporary)
        {
            w.WriteBoolean("temporary"u8, true);
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>A reply whose result has no fields: <c>{"id":1,"publish":{}}</c>.</summary>
    public static void Empty(Utf8JsonWriter w, uint id, JsonEncodedText method)
    {
        w.WriteStartObject();
        w.WriteNumber("id"u8, id);
        w.WriteStartObject(method);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    public static void Connect(Utf8JsonWriter w, uint id, ConnectResult result)
    {
        w.WriteStartObject();
        w.WriteNumber("id"u8, id);
        w.WritePropertyName("connect"u8);
        ConnectBody(w, result);
        w.WriteEndObject();
    }

    /// <summary>The connect result's fields; also the body of a <c>connect</c> push.</summary>
    internal static void ConnectBody(Utf8JsonWriter w, ConnectResult result)
    {
        w.WriteStartObject();
        w.WriteString("client"u8, result.Client);
        if (result.Version.Length > 0) w.WriteString("version"u8, result.Version);
        if (result.Expires) w.WriteBoolean("expires"u8, true);
        if (result.Ttl > 0) w.WriteNumber("ttl"u8, result.Ttl);
        ProtocolJson.WriteRaw(w, "data"u8, result.Data);
        if (result.Subs is { Count: > 0 } subs)
        {
            w.WriteStartObject("subs"u8);
            foreach (var (channel, sub) in subs)
            {
                w.WritePropertyName(channel);
                SubscribeBody(w, sub);
            }

            w.WriteEndObject();
        }

        if (result.Ping > 0) w.WriteNumber("ping"u8, result.Ping);
        if (result.Pong) w.WriteBoolean("pong"u8, true);
        if (!string.IsNullOrEmpty(result.Session)) w.WriteString("session"u8, result.Session);
        if (!string.IsNullOrEmpty(result.Node)) w.WriteString("node"u8, result.Node);
        w.WriteEndObject();
    }

    public static void Subscribe(Utf8JsonWriter w, uint id, SubscribeResult result)
    {
        w.WriteStartObject();
        w.WriteNumber("id"u8, id);
        w.WritePropertyName("subscribe"u8);
        SubscribeBody(w, result);
        w.WriteEndObject();
    }

    internal static void SubscribeBody(Utf8JsonWriter w, SubscribeResult result)
    {
        w.WriteStartObject();
        if (result.Expires) w.WriteBoolean("expires"u8, true);
        if (result.Ttl > 0) w.WriteNumber("ttl"u8, result.Ttl);
        if (result.Recoverable) w.WriteBoolean("recoverable"u8, true);
        if (!string.IsNullOrEmpty(result.Epoch)) w.WriteString("epoch"u8, result.Epoch);
        if (result.Publications is { Count: > 0 } publications)
        {
            w.WriteStartArray("publications"u8);
            foreach (var publication in publications)
            {
                ProtocolJson.WritePublication(w, publication);
            }

            w.WriteEndArray();
        }

        if (result.Recovered) w.WriteBoolean("recovered"u8, true);
        if (result.Offset > 0) w.WriteNumber("offset"u8, result.Offset);
        if (result.Positioned) w.WriteBoolean("positioned"u8, true);
        ProtocolJson.WriteRaw(w, "data"u8, result.Data);
        if (result.WasRecovering) w.WriteBoolean("was_recovering"u8, true);
        if (result.Delta) w.WriteBoolean("delta"u8, true);
        w.WriteEndObject();
    }

    public static void Refresh(Utf8JsonWriter w, uint id, RefreshResult result)
    {
        w.WriteStartObject();
        w.WriteNumber("id"u8, id);
        w.WriteStartObject("refresh"u8);
        w.WriteString("client"u8, result.Client);
        if (result.Version.Length > 0) w.WriteString("version"u8, result.Version);
        if (result.Expires) w.WriteBoolean("expires"u8, true);
        if (result.Ttl > 0) w.WriteNumber("ttl"u8, result.Ttl);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    public static void SubRefresh(Utf8JsonWriter w, uint id, SubRefreshResult result)
    {
        w.WriteStartObject();
        w.WriteNumber("id"u8, id);
        w.WriteStartObject("sub_refresh"u8);
        if (result.Expires) w.WriteBoolean("expires"u8, true);
        if (result.Ttl > 0) w.WriteNumber("ttl"u8, result.Ttl);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    public static void Presence(Utf8JsonWriter w, uint id, IReadOnlyDictionary<string, ClientInfo> presence)
    {
        w.WriteStartObject();
        w.WriteNumber("id"u8, id);
        w.WriteStartObject("presence"u8);
        w.WriteStartObject("presence"u8);
        foreach (var (client, info) in presence)
        {
            w.WritePropertyName(client);
            ProtocolJson.WriteClientInfo(w, info);
        }

        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    public static void PresenceStats(Utf8JsonWriter w, uint id, PresenceStatsResult result)
    {
        w.WriteStartObject();
        w.WriteNumber("id"u8, id);
        w.WriteStartObject("presence_stats"u8);
        // Both numbers always, zeros included, as Centrifugo sends them.
        w.WriteNumber("num_clients"u8, result.NumClients);
        w.WriteNumber("num_users"u8, result.NumUsers);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    public static void History(Utf8JsonWriter w, uint id, HistoryResult result)
    {
        w.WriteStartObject();
        w.WriteNumber("id"u8, id);
        w.WriteStartObject("history"u8);
        // Every field always, empty ones included: SDKs read the stream position from any reply.
        w.WriteStartArray("publications"u8);
        foreach (var publication in result.Publications)
        {
            ProtocolJson.WritePublication(w, publication);
        }

        w.WriteEndArray();
        w.WriteString("epoch"u8, result.Epoch);
        w.WriteNumber("offset"u8, result.Offset);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    public static void Rpc(Utf8JsonWriter w, uint id, RawJson data)
    {
        w.WriteStartObject();
        w.WriteNumber("id"u8, id);
        w.WriteStartObject("rpc"u8);
        ProtocolJson.WriteRaw(w, "data"u8, data);
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
