using System.Text.Json;

namespace Realtime.Protocol.Replies;

/// <summary>The JSON shapes shared by replies and pushes.</summary>
public static class ProtocolJson
{
    public static void WritePublication(Utf8JsonWriter w, Publication publication)
    {
        w.WriteStartObject();
        switch (publication.Form)
        {
            case PublicationDataForm.FullString:
                w.WriteString("data"u8, publication.Data.Utf8.Span);
                break;
            case PublicationDataForm.Delta:
                w.WriteString("data"u8, publication.DeltaBytes.Span);
                w.WriteBoolean("delta"u8, true);
                break;
            default:
                WriteRaw(w, "data"u8, publication.Data);
                break;
        }

        if (publication.Info is { } info)
        {
            w.WritePropertyName("info"u8);
            WriteClientInfo(w, info);
        }

        if (publication.Offset > 0) w.WriteNumber("offset"u8, publication.Offset);
        if (publication.Tags is { Count: > 0 } tags)
        {
            w.WriteStartObject("tags"u8);
            foreach (var (key, value) in tags)
            {
                w.WriteString(key, value);
            }

            w.WriteEndObject();
        }

        if (publication.Time > 0) w.WriteNumber("time"u8, publication.Time);
        w.WriteEndObject();
    }

    public static void WriteClientInfo(Utf8JsonWriter w, ClientInfo info)
    {
        w.WriteStartObject();
        w.WriteString("user"u8, info.User);
        w.WriteString("client"u8, info.Client);
        WriteRaw(w, "conn_info"u8, info.ConnInfo);
        WriteRaw(w, "chan_info"u8, info.ChanInfo);
        w.WriteEndObject();
    }

    /// <summary>
    /// Embeds a JSON value as is. Values reach here only after <see cref="System.Text.Json.Utf8JsonReader"/>
    /// validated them on the way in, so they are not validated again.
    /// </summary>
    public static void WriteRaw(Utf8JsonWriter w, ReadOnlySpan<byte> name, RawJson value)
    {
        if (value.IsEmpty)
        {
            return;
        }

        w.WritePropertyName(name);
        w.WriteRawValue(value.Utf8.Span, skipInputValidation: true);
    }
}
