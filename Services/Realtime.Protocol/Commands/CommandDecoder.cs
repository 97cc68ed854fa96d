using System.Text.Json;

namespace Realtime.Protocol.Commands;

/// <summary>
/// Decodes one WebSocket frame of the JSON protocol: one or more commands separated by
/// newlines. Throws <see cref="MalformedCommandException"/> on anything that is not.
/// </summary>
public static class CommandDecoder
{
    private static readonly JsonReaderOptions Options = new() { MaxDepth = 64, CommentHandling = JsonCommentHandling.Disallow };

    /// <summary>Appends the frame's commands to <paramref name="commands"/> in order.</summary>
    /// <remarks>The commands' <see cref="RawJson"/> fields are slices of <paramref name="frame"/>.</remarks>
    public static void Decode(ReadOnlyMemory<byte> frame, List<Command> commands)
    {
        var rest = frame;
        while (!rest.IsEmpty)
        {
            var newline = rest.Span.IndexOf((byte)'\n');
            var line = newline < 0 ? rest : rest[..newline];
            rest = newline < 0 ? ReadOnlyMemory<byte>.Empty : rest[(newline + 1)..];
            if (!IsBlank(line.Span))
            {
                commands.Add(DecodeOne(line));
            }
        }
    }

    public static Command DecodeOne(ReadOnlyMemory<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json.Span, Options);
            if (!reader.Read())
            {
                throw new MalformedCommandException("empty command");
            }

            var command = ReadCommand(ref reader, json);
            if (reader.Read())
            {
                throw new MalformedCommandException("trailing data after command");
            }

            return command;
        }
        catch (JsonException e)
        {
            throw new MalformedCommandException("invalid JSON", e);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or OverflowException or ArgumentException)
        {
            // Well-formed JSON the readers cannot take: a string with a lone surrogate escape
            // ("\udc00") that GetString cannot transcode, a number out of range, and the like.
            throw new MalformedCommandException("unreadable value", e);
        }
    }

    private static Command ReadCommand(ref Utf8JsonReader reader, ReadOnlyMemory<byte> source)
    {
        JsonFieldReader.ExpectStartObject(ref reader);
        uint id = 0;
        CommandRequest? request = null;
        while (JsonFieldReader.NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                id = JsonFieldReader.UInt32(ref reader);
                continue;
            }

            var next = ReadRequest(ref reader, source);
            if (next is null)
            {
                continue;
            }

            if (request is not null)
            {
                throw new MalformedCommandException("a command carries more than one request");
            }

            request = next;
        }

        request ??= id == 0 ? PongRequest.Instance : new UnknownMethodRequest("");
        if (id == 0 && request is not (PongRequest or SendRequest))
        {
            throw new MalformedCommandException($"command {request.Method} has no id");
        }

        return new Command(id, request);
    }

    /// <summary>Reads the request under the current property name; null for an explicit JSON null.</summary>
    private static CommandRequest? ReadRequest(ref Utf8JsonReader reader, ReadOnlyMemory<byte> source)
    {
        var name = reader.GetString()!;
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        return name switch
        {
            "connect" => RequestReader.Connect(ref reader, source),
            "subscribe" => RequestReader.Subscribe(ref reader, source),
            "unsubscribe" => RequestReader.Unsubscribe(ref reader),
            "publish" => RequestReader.Publish(ref reader, source),
            "presence" => RequestReader.Presence(ref reader),
            "presence_stats" => RequestReader.PresenceStats(ref reader),
            "history" => RequestReader.History(ref reader),
            "ping" => RequestReader.Ping(ref reader),
            "send" => RequestReader.Send(ref reader, source),
            "rpc" => RequestReader.Rpc(ref reader, source),
            "refresh" => RequestReader.Refresh(ref reader),
            "sub_refresh" => RequestReader.SubRefresh(ref reader),
            _ => SkipUnknown(ref reader, name),
        };
    }

    private static UnknownMethodRequest SkipUnknown(ref Utf8JsonReader reader, string name)
    {
        reader.Skip();
        return new UnknownMethodRequest(name);
    }

    private static bool IsBlank(ReadOnlySpan<byte> line)
    {
        foreach (var b in line)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r'))
            {
                return false;
            }
        }

        return true;
    }
}
