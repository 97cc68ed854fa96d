using System.Buffers.Text;
using System.Text.Json;

namespace Realtime.Auth.Claims;

/// <summary>
/// Reads the Centrifugo claims straight from the payload bytes with <see cref="Utf8JsonReader"/>:
/// <c>info</c> is any JSON value and must reach clients byte for byte, which a claims dictionary
/// cannot give back. A claim of the wrong JSON type makes the token invalid.
/// </summary>
internal static class TokenClaimsReader
{
    public static TokenClaims Read(string encodedPayload)
    {
        byte[] payload;
        try
        {
            payload = Base64Url.DecodeFromChars(encodedPayload);
        }
        catch (FormatException)
        {
            throw Malformed("payload");
        }

        var claims = new TokenClaims();
        ReadOnlyMemory<byte>? info = null;
        byte[]? b64Info = null;
        try
        {
            var reader = new Utf8JsonReader(payload);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw Malformed("payload");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("sub"u8))
                {
                    claims.Subject = ReadString(ref reader, "sub") ?? string.Empty;
                }
                else if (reader.ValueTextEquals("channel"u8))
                {
                    claims.Channel = ReadString(ref reader, "channel");
                }
                else if (reader.ValueTextEquals("exp"u8))
                {
                    claims.Expires = ReadNumericDate(ref reader, "exp") is { } exp ? ToDate(exp) : null;
                }
                else if (reader.ValueTextEquals("nbf"u8))
                {
                    claims.NotBefore = ReadNumericDate(ref reader, "nbf") is { } nbf ? ToDate(nbf) : null;
                }
                else if (reader.ValueTextEquals("expire_at"u8))
                {
                    claims.ExpireAt = ReadNumericDate(ref reader, "expire_at");
                }
                else if (reader.ValueTextEquals("info"u8))
                {
                    info = ReadRawJson(ref reader, payload);
                }
                else if (reader.ValueTextEquals("b64info"u8))
                {
                    b64Info = ReadBase64(ref reader);
                }
                else if (reader.ValueTextEquals("channels"u8))
                {
                    claims.Channels = ReadStringArray(ref reader);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            throw Malformed("payload");
        }

        // "info" wins over "b64info": b64info exists for issuers that cannot embed JSON.
        // The info is spliced into JSON frames unescaped: b64info must be one whole JSON value.
        claims.Info = info ?? (b64Info is null ? ReadOnlyMemory<byte>.Empty
            : Realtime.Protocol.RawJson.IsSingleValue(b64Info) ? b64Info : throw Malformed("b64info"));
        return claims;
    }

    private static string? ReadString(ref Utf8JsonReader reader, string claim)
    {
        reader.Read();
        return reader.TokenType switch
        {
            JsonTokenType.String => reader.GetString(),
            JsonTokenType.Null => null,
            _ => throw Malformed(claim),
        };
    }

    // NumericDate (RFC 7519 §2) may be fractional; whole seconds are all Centrifugo uses.
    private static long? ReadNumericDate(ref Utf8JsonReader reader, string claim)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.Number)
        {
            throw Malformed(claim);
        }

        if (reader.TryGetInt64(out var seconds))
        {
            return seconds;
        }

        var value = Math.Floor(reader.GetDouble());
        return value >= long.MaxValue ? long.MaxValue : value <= long.MinValue ? long.MinValue : (long)value;
    }

    private static DateTimeOffset ToDate(long seconds) =>
        seconds >= DateTimeOffset.MaxValue.ToUnixTimeSeconds() ? DateTimeOffset.MaxValue
        : seconds <= DateTimeOffset.MinValue.ToUnixTimeSeconds() ? DateTimeOffset.MinValue
        : DateTimeOffset.FromUnixTimeSeconds(seconds);

    // The slice of the payload holding the value, so the bytes are exactly what the issuer signed.
    private static ReadOnlyMemory<byte>? ReadRawJson(ref Utf8JsonReader reader, byte[] payload)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        var start = (int)reader.TokenStartIndex;
        reader.Skip();
        return payload.AsMemory(start, (int)reader.BytesConsumed - start);
    }

    private static byte[]? ReadBase64(ref Utf8JsonReader reader)
    {
        var text = ReadString(ref reader, "b64info");
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw Malformed("b64info");
        }

        return bytes;
    }

    private static string[] ReadStringArray(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
        {
            return [];
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw Malformed("channels");
        }

        var items = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                throw Malformed("channels");
            }

            items.Add(reader.GetString()!);
        }

        return [.. items];
    }

    private static InvalidTokenException Malformed(string claim) => new($"Token {claim} claim is malformed.");
}
