using System.Text.Json;
using Realtime.Protocol;
using Realtime.Protocol.Replies;

namespace Realtime.Messaging.Publications;

/// <summary>
/// The JSON form of <see cref="PublicationEnvelope"/> in the log. Payload fields stay raw JSON
/// so a publication's bytes are carried, never re-encoded.
/// </summary>
public static class PublicationCodec
{
    public static byte[] Encode(PublicationEnvelope publication) =>
        FrameEncoder.Encode(publication, static (w, p) => Write(w, p, offset: 0, epoch: null));

    public static byte[] Encode(SequencedPublication sequenced) =>
        FrameEncoder.Encode(sequenced, static (w, s) => Write(w, s.Publication, s.Offset, s.Epoch));

    public static PublicationEnvelope Decode(ReadOnlyMemory<byte> json) => DecodeSequenced(json).Publication;

    /// <summary>Reads a publication; offset and epoch are 0 and "" when it was not sequenced yet.</summary>
    /// <remarks>The result's raw JSON fields are slices of <paramref name="json"/>.</remarks>
    public static SequencedPublication DecodeSequenced(ReadOnlyMemory<byte> json)
    {
        var reader = new Utf8JsonReader(json.Span);
        reader.Read();
        Expect(reader.TokenType == JsonTokenType.StartObject, "publication must be an object");
        string? id = null, channel = null, epoch = null, trace = null;
        RawJson data = default;
        ClientInfo? info = null;
        Dictionary<string, string>? tags = null;
        long time = 0;
        ulong offset = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("id"u8)) { reader.Read(); id = reader.GetString(); }
            else if (reader.ValueTextEquals("channel"u8)) { reader.Read(); channel = reader.GetString(); }
            else if (reader.ValueTextEquals("data"u8)) { reader.Read(); data = RawValue(ref reader, json); }
            else if (reader.ValueTextEquals("info"u8)) { reader.Read(); info = ReadInfo(ref reader, json); }
            else if (reader.ValueTextEquals("tags"u8)) { reader.Read(); tags = ReadTags(ref reader); }
            else if (reader.ValueTextEquals("time"u8)) { reader.Read(); time = reader.GetInt64(); }
            else if (reader.ValueTextEquals("offset"u8)) { reader.Read(); offset = reader.GetUInt64(); }
            else if (reader.ValueTextEquals("epoch"u8)) { reader.Read(); epoch = reader.GetString(); }
            else if (reader.ValueTextEquals("trace"u8)) { reader.Read(); trace = reader.GetString(); }
            else { reader.Read(); reader.Skip(); }
        }

        Expect(id is not null && channel is not null, "publication needs an id and a channel");
        var publication = new PublicationEnvelope { Id = id!, Channel = channel!, Data = data, Info = info, Tags = tags, Time = time, TraceParent = trace };
        return new SequencedPublication(publication, offset, epoch ?? "");
    }

    private static void Write(Utf8JsonWriter w, PublicationEnvelope p, ulong offset, string? epoch)
    {
        w.WriteStartObject();
        w.WriteString("id"u8, p.Id);
        w.WriteString("channel"u8, p.Channel);
        ProtocolJson.WriteRaw(w, "data"u8, p.Data);
        if (p.Info is { } info)
        {
            w.WritePropertyName("info"u8);
            ProtocolJson.WriteClientInfo(w, info);
        }

        if (p.Tags is { Count: > 0 } tags)
        {
            w.WriteStartObject("tags"u8);
            foreach (var (key, value) in tags)
            {
                w.WriteString(key, value);
            }

            w.WriteEndObject();
        }

        if (p.Time != 0) w.WriteNumber("time"u8, p.Time);
        if (p.TraceParent is not null) w.WriteString("trace"u8, p.TraceParent);
        if (offset != 0) w.WriteNumber("offset"u8, offset);
        if (!string.IsNullOrEmpty(epoch)) w.WriteString("epoch"u8, epoch);
        w.WriteEndObject();
    }

    public static ClientInfo? ReadInfo(ref Utf8JsonReader reader, ReadOnlyMemory<byte> json)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        string user = "", client = "";
        RawJson connInfo = default, chanInfo = default;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("user"u8)) { reader.Read(); user = reader.GetString() ?? ""; }
            else if (reader.ValueTextEquals("client"u8)) { reader.Read(); client = reader.GetString() ?? ""; }
            else if (reader.ValueTextEquals("conn_info"u8)) { reader.Read(); connInfo = RawValue(ref reader, json); }
            else if (reader.ValueTextEquals("chan_info"u8)) { reader.Read(); chanInfo = RawValue(ref reader, json); }
            else { reader.Read(); reader.Skip(); }
        }

        return new ClientInfo(user, client, connInfo, chanInfo);
    }

    private static Dictionary<string, string>? ReadTags(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            reader.Read();
            tags[key] = reader.GetString() ?? "";
        }

        return tags;
    }

    private static RawJson RawValue(ref Utf8JsonReader reader, ReadOnlyMemory<byte> json)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return RawJson.Empty;
        }

        var start = (int)reader.TokenStartIndex;
        reader.Skip();
        return new RawJson(json[start..(int)reader.BytesConsumed]);
    }

    private static void Expect(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidDataException(message);
        }
    }
}
