using System.Text;
using System.Text.Json;
using Realtime.Protocol.Commands;

namespace Realtime.Protocol.Emulation;

/// <summary>
/// A later command batch of an emulated session (HTTP-streaming, SSE), sent as
/// <c>POST /emulation</c>: which node holds the session, the session's secret id, and the
/// commands exactly as the client would have written them to a WebSocket.
/// </summary>
public sealed record EmulationRequest(string Node, string Session, ReadOnlyMemory<byte> Data)
{
    /// <summary>
    /// Decodes a request body. JSON bodies (<c>{"session","node","data"}</c>) carry the commands
    /// as a JSON string, which is how the SDKs send them; a command object or array is taken
    /// as is. Protobuf bodies are one <c>EmulationRequest</c> message.
    /// </summary>
    /// <exception cref="MalformedCommandException">The body is not an emulation request.</exception>
    public static EmulationRequest Parse(ProtocolFormat format, ReadOnlyMemory<byte> body) =>
        format == ProtocolFormat.Protobuf ? ParseProtobuf(body) : ParseJson(body.Span);

    private static EmulationRequest ParseProtobuf(ReadOnlyMemory<byte> body)
    {
        Protobuf.Wire.EmulationRequest message;
        try
        {
            message = Protobuf.Wire.EmulationRequest.Parser.ParseFrom(body.Span);
        }
        catch (Google.Protobuf.InvalidProtocolBufferException e)
        {
            throw new MalformedCommandException("the emulation request is not a Protobuf EmulationRequest", e);
        }

        return Validated(message.Node, message.Session, message.Data.Memory);
    }

    private static EmulationRequest ParseJson(ReadOnlySpan<byte> body)
    {
        string? node = null, session = null;
        ReadOnlyMemory<byte> data = default;
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new MalformedCommandException("the emulation request is not a JSON object");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("node"u8))
                {
                    reader.Read();
                    node = reader.TokenType == JsonTokenType.String ? reader.GetString() : throw new MalformedCommandException("node is not a string");
                }
                else if (reader.ValueTextEquals("session"u8))
                {
                    reader.Read();
                    session = reader.TokenType == JsonTokenType.String ? reader.GetString() : throw new MalformedCommandException("session is not a string");
                }
                else if (reader.ValueTextEquals("data"u8))
                {
                    reader.Read();
                    data = ReadData(ref reader, body);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (JsonException e)
        {
            throw new MalformedCommandException("the emulation request is not valid JSON", e);
        }

        return Validated(node, session, data);
    }

    /// <summary>The commands: a string's text as UTF-8, or an object's or array's own bytes.</summary>
    private static ReadOnlyMemory<byte> ReadData(ref Utf8JsonReader reader, ReadOnlySpan<byte> body)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return Encoding.UTF8.GetBytes(reader.GetString()!);
            case JsonTokenType.StartObject or JsonTokenType.StartArray:
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                return body[start..((int)reader.TokenStartIndex + 1)].ToArray();
            default:
                throw new MalformedCommandException("data is neither a string nor JSON commands");
        }
    }

    private static EmulationRequest Validated(string? node, string? session, ReadOnlyMemory<byte> data)
    {
        if (string.IsNullOrEmpty(session))
        {
            throw new MalformedCommandException("the emulation request names no session");
        }

        if (data.IsEmpty)
        {
            throw new MalformedCommandException("the emulation request carries no commands");
        }

        return new EmulationRequest(node ?? "", session, data);
    }
}
