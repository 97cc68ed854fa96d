using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Realtime.Client;

/// <summary>
/// The protocol's Protobuf format, as a translation of its JSON one: a command the client wrote
/// as JSON becomes its Protobuf message (client.proto's field numbers), and a reply or push read
/// off the wire becomes the JSON the rest of the client reads. Data and info are JSON in both
/// (bytes in Protobuf). Messages are length-delimited, several per WebSocket message.
/// </summary>
internal static class ProtobufTranscoder
{
    /// <summary>Appends the command (JSON) as one length-delimited Protobuf Command.</summary>
    public static void WriteCommand(ReadOnlyMemory<byte> json, ArrayBufferWriter<byte> output)
    {
        using var document = JsonDocument.Parse(json);
        var body = new ArrayBufferWriter<byte>(json.Length);
        WriteMessage(document.RootElement, ProtobufSchema.Command, body);
        WriteVarint(output, (ulong)body.WrittenCount);
        output.Write(body.WrittenSpan);
    }

    /// <summary>The replies and pushes of one binary WebSocket message, as JSON documents.</summary>
    public static IEnumerable<JsonDocument> ReadReplies(ReadOnlyMemory<byte> message)
    {
        var position = 0;
        while (position < message.Length)
        {
            var length = (int)ReadVarint(message.Span, ref position);
            if (length < 0 || position + length > message.Length)
            {
                throw new JsonException("truncated Protobuf reply");
            }

            var json = new ArrayBufferWriter<byte>(length * 2 + 16);
            using (var writer = new Utf8JsonWriter(json))
            {
                ReadMessage(message.Span.Slice(position, length), ProtobufSchema.Reply, writer);
            }

            position += length;
            yield return JsonDocument.Parse(json.WrittenMemory);
        }
    }

    private static void WriteMessage(JsonElement element, MessageSpec spec, ArrayBufferWriter<byte> output)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (spec.Named(property.Name) is not { } field || property.Value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            var value = property.Value;
            switch (field.Kind)
            {
                case FieldKind.String:
                    WriteBytes(output, field.Number, Encoding.UTF8.GetBytes(value.GetString() ?? ""));
                    break;
                case FieldKind.Json:
                    WriteBytes(output, field.Number, Encoding.UTF8.GetBytes(value.GetRawText()));
                    break;
                case FieldKind.Unsigned:
                    WriteTag(output, field.Number, 0);
                    WriteVarint(output, value.GetUInt64());
                    break;
                case FieldKind.Signed:
                    WriteTag(output, field.Number, 0);
                    WriteVarint(output, unchecked((ulong)value.GetInt64()));
                    break;
                case FieldKind.Bool:
                    WriteTag(output, field.Number, 0);
                    WriteVarint(output, value.GetBoolean() ? 1UL : 0UL);
                    break;
                case FieldKind.Message:
                    var nested = new ArrayBufferWriter<byte>();
                    WriteMessage(value, field.Nested!, nested);
                    WriteBytes(output, field.Number, nested.WrittenSpan);
                    break;
                default:
                    throw new InvalidOperationException($"{field.Name}: the client does not send {field.Kind} fields");
            }
        }
    }

    private static void ReadMessage(ReadOnlySpan<byte> data, MessageSpec spec, Utf8JsonWriter json)
    {
        // Repeated and map fields become one array or object each, whatever their order on the wire.
        var fields = new List<(FieldSpec Field, ulong Number, int Start, int Length)>();
        var position = 0;
        while (position < data.Length)
        {
            var tag = ReadVarint(data, ref position);
            var (number, wireType) = ((int)(tag >> 3), (int)(tag & 7));
            var field = spec.Numbered(number);
            switch (wireType)
            {
                case 0:
                    var varint = ReadVarint(data, ref position);
                    if (field is not null)
                    {
                        fields.Add((field, varint, 0, 0));
                    }

                    break;
                case 2:
                    var length = (int)ReadVarint(data, ref position);
                    if (length < 0 || position + length > data.Length)
                    {
                        throw new JsonException("truncated Protobuf field");
                    }

                    if (field is not null)
                    {
                        fields.Add((field, 0, position, length));
                    }

                    position += length;
                    break;
                case 1:
                    position += 8;
                    break;
                case 5:
                    position += 4;
                    break;
                default:
                    throw new JsonException($"unsupported Protobuf wire type {wireType}");
            }
        }

        // One property per field (the reader looks them up by name); a repeated or map field gathers all its values.
        var byField = new Dictionary<int, List<(FieldSpec Field, ulong Number, int Start, int Length)>>();
        json.WriteStartObject();
        foreach (var value in fields)
        {
            if (!byField.TryGetValue(value.Field.Number, out var values))
            {
                byField[value.Field.Number] = values = [];
            }

            values.Add(value);
        }

        foreach (var (_, values) in byField)
        {
            json.WritePropertyName(values[0].Field.Name);
            WriteValues(data, values[0].Field, values, json);
        }

        json.WriteEndObject();
    }

    private static void WriteValues(ReadOnlySpan<byte> data, FieldSpec field, List<(FieldSpec Field, ulong Number, int Start, int Length)> values, Utf8JsonWriter json)
    {
        // A field sent twice outside a repeated one: the last value wins, as Protobuf has it.
        var last = values[^1];
        switch (field.Kind)
        {
            case FieldKind.String:
                json.WriteStringValue(data.Slice(last.Start, last.Length));
                break;
            case FieldKind.Json:
                if (last.Length == 0)
                {
                    json.WriteNullValue();
                }
                else
                {
                    json.WriteRawValue(data.Slice(last.Start, last.Length));
                }

                break;
            case FieldKind.Unsigned:
                json.WriteNumberValue(last.Number);
                break;
            case FieldKind.Signed:
                json.WriteNumberValue(unchecked((long)last.Number));
                break;
            case FieldKind.Bool:
                json.WriteBooleanValue(last.Number != 0);
                break;
            case FieldKind.Message:
                ReadMessage(data.Slice(last.Start, last.Length), field.Nested!, json);
                break;
            case FieldKind.RepeatedMessage:
                json.WriteStartArray();
                foreach (var value in values)
                {
                    ReadMessage(data.Slice(value.Start, value.Length), field.Nested!, json);
                }

                json.WriteEndArray();
                break;
            case FieldKind.StringMap:
            case FieldKind.MessageMap:
                json.WriteStartObject();
                foreach (var value in values)
                {
                    WriteMapEntry(data.Slice(value.Start, value.Length), field, json);
                }

                json.WriteEndObject();
                break;
        }
    }

    /// <summary>A map entry is a message of key (1) and value (2).</summary>
    private static void WriteMapEntry(ReadOnlySpan<byte> entry, FieldSpec field, Utf8JsonWriter json)
    {
        ReadOnlySpan<byte> key = default, value = default;
        var position = 0;
        while (position < entry.Length)
        {
            var tag = ReadVarint(entry, ref position);
            if ((tag & 7) != 2)
            {
                throw new JsonException("unexpected map entry");
            }

            var length = (int)ReadVarint(entry, ref position);
            var bytes = entry.Slice(position, length);
            position += length;
            if (tag >> 3 == 1)
            {
                key = bytes;
            }
            else
            {
                value = bytes;
            }
        }

        json.WritePropertyName(key);
        if (field.Kind == FieldKind.StringMap)
        {
            json.WriteStringValue(value);
        }
        else
        {
            ReadMessage(value, field.Nested!, json);
        }
    }

    private static void WriteTag(ArrayBufferWriter<byte> output, int number, int wireType) => WriteVarint(output, (ulong)((number << 3) | wireType));

    private static void WriteBytes(ArrayBufferWriter<byte> output, int number, ReadOnlySpan<byte> bytes)
    {
        WriteTag(output, number, 2);
        WriteVarint(output, (ulong)bytes.Length);
        output.Write(bytes);
    }

    private static void WriteVarint(ArrayBufferWriter<byte> output, ulong value)
    {
        var span = output.GetSpan(10);
        var count = 0;
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            span[count++] = value == 0 ? b : (byte)(b | 0x80);
        }
        while (value != 0);

        output.Advance(count);
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (position >= data.Length)
            {
                throw new JsonException("truncated Protobuf varint");
            }

            var b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new JsonException("Protobuf varint too long");
    }
}
