using System.Buffers;
using System.Text.Json;

namespace Realtime.Protocol.Commands;

/// <summary>
/// Typed reads of one property value from a <see cref="Utf8JsonReader"/> positioned on it,
/// with the protocol's rules: proto3 JSON, where <c>null</c> means the default value.
/// </summary>
internal static class JsonFieldReader
{
    public static string? String(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Null => null,
        _ => throw new MalformedCommandException($"expected a string, got {reader.TokenType}"),
    };

    public static string RequiredString(ref Utf8JsonReader reader) => String(ref reader) ?? "";

    public static bool Bool(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False or JsonTokenType.Null => false,
        _ => throw new MalformedCommandException($"expected a boolean, got {reader.TokenType}"),
    };

    public static uint UInt32(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Number when reader.TryGetUInt32(out var value) => value,
        JsonTokenType.Null => 0,
        _ => throw new MalformedCommandException("expected an unsigned 32-bit integer"),
    };

    public static ulong UInt64(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Number when reader.TryGetUInt64(out var value) => value,
        // proto3 JSON writes 64-bit integers as strings; accept both forms.
        JsonTokenType.String when ulong.TryParse(reader.ValueSpan, out var value) => value,
        JsonTokenType.Null => 0,
        _ => throw new MalformedCommandException("expected an unsigned 64-bit integer"),
    };

    public static int Int32(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Number when reader.TryGetInt32(out var value) => value,
        JsonTokenType.Null => 0,
        _ => throw new MalformedCommandException("expected a 32-bit integer"),
    };

    public static long Int64(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Number when reader.TryGetInt64(out var value) => value,
        JsonTokenType.String when long.TryParse(reader.ValueSpan, out var value) => value,
        JsonTokenType.Null => 0,
        _ => throw new MalformedCommandException("expected a 64-bit integer"),
    };

    /// <summary>
    /// The value as a slice of <paramref name="source"/>, without copying. The reader is left on
    /// the value's last token.
    /// </summary>
    public static RawJson Raw(ref Utf8JsonReader reader, ReadOnlyMemory<byte> source)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return RawJson.Empty;
        }

        var start = (int)reader.TokenStartIndex;
        reader.Skip();
        var end = (int)reader.BytesConsumed;
        return new RawJson(source[start..end]);
    }

    public static Dictionary<string, string>? StringMap(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        ExpectStartObject(ref reader);
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        while (NextProperty(ref reader))
        {
            var key = reader.GetString()!;
            reader.Read();
            map[key] = RequiredString(ref reader);
        }

        return map;
    }

    public static void ExpectStartObject(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new MalformedCommandException($"expected an object, got {reader.TokenType}");
        }
    }

    /// <summary>Advances to the next property name of the current object; false at its end.</summary>
    public static bool NextProperty(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw new MalformedCommandException("truncated object");
        }

        return reader.TokenType == JsonTokenType.PropertyName;
    }

    public static MalformedCommandException UnknownField(ref Utf8JsonReader reader, string message) =>
        new($"unknown field '{System.Text.Encoding.UTF8.GetString(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan)}' in {message}");
}
