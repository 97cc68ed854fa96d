using System.Text;

namespace Realtime.Testing;

/// <summary>
/// Reads the parts of an OTLP ExportTraceServiceRequest (opentelemetry/proto/trace/v1) the
/// tests need, straight from the protobuf wire format: no generated code, no package.
/// </summary>
internal static class OtlpTraceDecoder
{
    public static List<ExportedSpan> Decode(byte[] request)
    {
        var spans = new List<ExportedSpan>();
        var reader = new WireReader(request);
        while (reader.Next(out var field, out var wireType))
        {
            if (field == 1 && wireType == 2)
            {
                ReadResourceSpans(reader.Bytes(), spans);
            }
            else
            {
                reader.Skip(wireType);
            }
        }

        return spans;
    }

    private static void ReadResourceSpans(ReadOnlyMemory<byte> message, List<ExportedSpan> spans)
    {
        var service = "";
        var scopes = new List<ReadOnlyMemory<byte>>();
        var reader = new WireReader(message);
        while (reader.Next(out var field, out var wireType))
        {
            switch (field, wireType)
            {
                case (1, 2):
                    service = ReadAttributes(reader.Bytes(), fieldNumber: 1).GetValueOrDefault("service.name", "");
                    break;
                case (2, 2):
                    scopes.Add(reader.Bytes());
                    break;
                default:
                    reader.Skip(wireType);
                    break;
            }
        }

        foreach (var scope in scopes)
        {
            ReadScopeSpans(scope, service, spans);
        }
    }

    private static void ReadScopeSpans(ReadOnlyMemory<byte> message, string service, List<ExportedSpan> spans)
    {
        var scope = "";
        var raw = new List<ReadOnlyMemory<byte>>();
        var reader = new WireReader(message);
        while (reader.Next(out var field, out var wireType))
        {
            switch (field, wireType)
            {
                case (1, 2):
                    var scopeReader = new WireReader(reader.Bytes());
                    while (scopeReader.Next(out var scopeField, out var scopeWire))
                    {
                        if (scopeField == 1 && scopeWire == 2)
                        {
                            scope = scopeReader.String();
                        }
                        else
                        {
                            scopeReader.Skip(scopeWire);
                        }
                    }

                    break;
                case (2, 2):
                    raw.Add(reader.Bytes());
                    break;
                default:
                    reader.Skip(wireType);
                    break;
            }
        }

        foreach (var span in raw)
        {
            spans.Add(ReadSpan(span, service, scope));
        }
    }

    private static ExportedSpan ReadSpan(ReadOnlyMemory<byte> message, string service, string scope)
    {
        string traceId = "", spanId = "", parent = "", name = "";
        var kind = ExportedSpanKind.Unspecified;
        var links = new List<(string, string)>();
        var attributes = new Dictionary<string, string>();
        var reader = new WireReader(message);
        while (reader.Next(out var field, out var wireType))
        {
            switch (field, wireType)
            {
                case (1, 2): traceId = Convert.ToHexStringLower(reader.Bytes().Span); break;
                case (2, 2): spanId = Convert.ToHexStringLower(reader.Bytes().Span); break;
                case (4, 2): parent = Convert.ToHexStringLower(reader.Bytes().Span); break;
                case (5, 2): name = reader.String(); break;
                case (6, 0): kind = (ExportedSpanKind)reader.Varint(); break;
                case (9, 2):
                    foreach (var (key, value) in ReadKeyValue(reader.Bytes()))
                    {
                        attributes[key] = value;
                    }

                    break;
                case (13, 2): links.Add(ReadLink(reader.Bytes())); break;
                default: reader.Skip(wireType); break;
            }
        }

        return new ExportedSpan(service, scope, traceId, spanId, parent, name, kind, links, attributes);
    }

    private static (string, string) ReadLink(ReadOnlyMemory<byte> message)
    {
        string traceId = "", spanId = "";
        var reader = new WireReader(message);
        while (reader.Next(out var field, out var wireType))
        {
            switch (field, wireType)
            {
                case (1, 2): traceId = Convert.ToHexStringLower(reader.Bytes().Span); break;
                case (2, 2): spanId = Convert.ToHexStringLower(reader.Bytes().Span); break;
                default: reader.Skip(wireType); break;
            }
        }

        return (traceId, spanId);
    }

    /// <summary>The repeated KeyValue field <paramref name="fieldNumber"/> of a message, string-valued ones (others as their text).</summary>
    private static Dictionary<string, string> ReadAttributes(ReadOnlyMemory<byte> message, int fieldNumber)
    {
        var attributes = new Dictionary<string, string>();
        var reader = new WireReader(message);
        while (reader.Next(out var field, out var wireType))
        {
            if (field == fieldNumber && wireType == 2)
            {
                foreach (var (key, value) in ReadKeyValue(reader.Bytes()))
                {
                    attributes[key] = value;
                }
            }
            else
            {
                reader.Skip(wireType);
            }
        }

        return attributes;
    }

    private static IEnumerable<(string, string)> ReadKeyValue(ReadOnlyMemory<byte> message)
    {
        string key = "", value = "";
        var reader = new WireReader(message);
        while (reader.Next(out var field, out var wireType))
        {
            switch (field, wireType)
            {
                case (1, 2): key = reader.String(); break;
                case (2, 2): value = ReadAnyValue(reader.Bytes()); break;
                default: reader.Skip(wireType); break;
            }
        }

        yield return (key, value);
    }

    private static string ReadAnyValue(ReadOnlyMemory<byte> message)
    {
        var reader = new WireReader(message);
        while (reader.Next(out var field, out var wireType))
        {
            switch (field, wireType)
            {
                case (1, 2): return reader.String();
                case (2, 0): return (reader.Varint() != 0).ToString();
                case (3, 0): return ((long)reader.Varint()).ToString(System.Globalization.CultureInfo.InvariantCulture);
                case (4, 1): return BitConverter.Int64BitsToDouble((long)reader.Fixed64()).ToString(System.Globalization.CultureInfo.InvariantCulture);
                default: reader.Skip(wireType); break;
            }
        }

        return "";
    }

    /// <summary>Protobuf's wire format: tags, varints, fixed-width and length-delimited fields.</summary>
    private sealed class WireReader(ReadOnlyMemory<byte> buffer)
    {
        private int _position;

        public bool Next(out int field, out int wireType)
        {
            if (_position >= buffer.Length)
            {
                field = wireType = 0;
                return false;
            }

            var tag = Varint();
            field = (int)(tag >> 3);
            wireType = (int)(tag & 7);
            return true;
        }

        public ulong Varint()
        {
            ulong value = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                if (_position >= buffer.Length)
                {
                    throw new FormatException("truncated varint");
                }

                var b = buffer.Span[_position++];
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return value;
                }
            }

            throw new FormatException("varint too long");
        }

        public ulong Fixed64()
        {
            var value = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(Take(8).Span);
            return value;
        }

        public ReadOnlyMemory<byte> Bytes() => Take(checked((int)Varint()));

        public string String() => Encoding.UTF8.GetString(Bytes().Span);

        public void Skip(int wireType)
        {
            switch (wireType)
            {
                case 0: Varint(); break;
                case 1: Take(8); break;
                case 2: Bytes(); break;
                case 5: Take(4); break;
                default: throw new FormatException($"unsupported wire type {wireType}");
            }
        }

        private ReadOnlyMemory<byte> Take(int length)
        {
            if (_position + length > buffer.Length)
            {
                throw new FormatException("truncated field");
            }

            var slice = buffer.Slice(_position, length);
            _position += length;
            return slice;
        }
    }
}
