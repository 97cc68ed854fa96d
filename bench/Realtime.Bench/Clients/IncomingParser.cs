using System.Text.Json;

namespace Realtime.Bench.Clients;

/// <summary>
/// Reads the lines of an incoming message. Only what the bench measures is extracted; the rest
/// is skipped without allocating.
/// </summary>
internal static class IncomingParser
{
    /// <summary>Splits a message into its newline-delimited lines.</summary>
    public static bool NextLine(ref ReadOnlySpan<byte> message, out ReadOnlySpan<byte> line)
    {
        while (!message.IsEmpty)
        {
            var newline = message.IndexOf((byte)'\n');
            line = newline < 0 ? message : message[..newline];
            message = newline < 0 ? default : message[(newline + 1)..];
            if (!line.IsEmpty)
            {
                return true;
            }
        }

        line = default;
        return false;
    }

    public static IncomingFrame Parse(ReadOnlySpan<byte> line)
    {
        var frame = new IncomingFrame { Kind = IncomingKind.Ping };
        var reader = new Utf8JsonReader(line);
        Expect(reader.Read() && reader.TokenType == JsonTokenType.StartObject);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                frame.Id = reader.GetUInt32();
                frame.Kind = IncomingKind.Reply;
            }
            else if (reader.ValueTextEquals("error"u8))
            {
                reader.Read();
                frame.ErrorCode = ReadCode(ref reader);
            }
            else if (reader.ValueTextEquals("push"u8))
            {
                reader.Read();
                ReadPush(ref reader, ref frame);
            }
            else if (reader.ValueTextEquals("publish"u8))
            {
                frame.Method = ReplyMethod.Publish;
                reader.Read();
                reader.Skip();
            }
            else if (reader.ValueTextEquals("connect"u8))
            {
                frame.Method = ReplyMethod.Connect;
                reader.Read();
                reader.Skip();
            }
            else if (reader.ValueTextEquals("subscribe"u8))
            {
                frame.Method = ReplyMethod.Subscribe;
                reader.Read();
                ReadSubscribeResult(ref reader, ref frame);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return frame;
    }

    private static void ReadPush(ref Utf8JsonReader reader, ref IncomingFrame frame)
    {
        frame.Kind = IncomingKind.OtherPush;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("channel"u8))
            {
                reader.Read();
                frame.Channel = reader.ValueSpan;
            }
            else if (reader.ValueTextEquals("pub"u8))
            {
                reader.Read();
                frame.Kind = IncomingKind.Publication;
                frame.Publication = ReadPublication(ref reader);
            }
            else if (reader.ValueTextEquals("disconnect"u8))
            {
                reader.Read();
                frame.Kind = IncomingKind.Disconnect;
                frame.DisconnectCode = ReadCode(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    private static void ReadSubscribeResult(ref Utf8JsonReader reader, ref IncomingFrame frame)
    {
        Expect(reader.TokenType == JsonTokenType.StartObject);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("epoch"u8))
            {
                reader.Read();
                frame.Epoch = reader.GetString();
            }
            else if (reader.ValueTextEquals("offset"u8))
            {
                reader.Read();
                frame.Offset = reader.GetUInt64();
            }
            else if (reader.ValueTextEquals("recovered"u8))
            {
                reader.Read();
                frame.Recovered = reader.GetBoolean();
            }
            else if (reader.ValueTextEquals("publications"u8))
            {
                reader.Read();
                frame.Publications = [];
                while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                {
                    frame.Publications.Add(ReadPublication(ref reader));
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    /// <summary>Reads <c>{"data":{"s":..,"n":..,"t":..},"offset":..}</c>; the reader is on its start.</summary>
    private static ReceivedPublication ReadPublication(ref Utf8JsonReader reader)
    {
        Expect(reader.TokenType == JsonTokenType.StartObject);
        int sender = -1;
        long sequence = -1, timestamp = 0;
        ulong offset = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("data"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("s"u8)) { reader.Read(); sender = reader.GetInt32(); }
                    else if (reader.ValueTextEquals("n"u8)) { reader.Read(); sequence = reader.GetInt64(); }
                    else if (reader.ValueTextEquals("t"u8)) { reader.Read(); timestamp = reader.GetInt64(); }
                    else { reader.Read(); reader.Skip(); }
                }
            }
            else if (reader.ValueTextEquals("offset"u8))
            {
                reader.Read();
                offset = reader.GetUInt64();
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return new ReceivedPublication(sender, sequence, timestamp, offset);
    }

    private static int ReadCode(ref Utf8JsonReader reader)
    {
        var code = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("code"u8))
            {
                reader.Read();
                code = reader.GetInt32();
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return code;
    }

    private static void Expect(bool condition)
    {
        if (!condition)
        {
            throw new JsonException("unexpected frame shape");
        }
    }
}
