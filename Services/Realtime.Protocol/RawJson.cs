using System.Text;

namespace Realtime.Protocol;

/// <summary>
/// A JSON value carried through untouched (the protocol's <c>bytes</c> fields such as
/// <c>data</c> and <c>info</c> are embedded JSON in the JSON protocol). Empty means absent.
/// </summary>
public readonly record struct RawJson(ReadOnlyMemory<byte> Utf8)
{
    public static RawJson Empty => default;

    public bool IsEmpty => Utf8.IsEmpty;

    /// <summary>Copies the value out of a pooled frame buffer so it can outlive it.</summary>
    public RawJson Detach() => IsEmpty ? this : new RawJson(Utf8.ToArray());

    public static RawJson FromString(string json) => new(Encoding.UTF8.GetBytes(json));

    /// <summary>
    /// Decodes a <c>b64data</c>/<c>b64info</c> field and accepts it only if the bytes are exactly one
    /// JSON value: payloads are spliced into JSON envelopes and frames unescaped, so anything else
    /// (a fragment such as <c>1,"channel":"other"</c>) could rewrite the envelope around it.
    /// </summary>
    public static bool TryFromBase64(string? base64, out RawJson json)
    {
        json = Empty;
        if (string.IsNullOrEmpty(base64))
        {
            return false;
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            return false;
        }

        if (!IsSingleValue(bytes))
        {
            return false;
        }

        json = new RawJson(bytes);
        return true;
    }

    /// <summary>Whether the bytes are one complete JSON value and nothing else.</summary>
    public static bool IsSingleValue(ReadOnlySpan<byte> utf8)
    {
        try
        {
            var reader = new System.Text.Json.Utf8JsonReader(utf8, new System.Text.Json.JsonReaderOptions { MaxDepth = 64 });
            if (!reader.Read())
            {
                return false;
            }

            reader.Skip();
            return !reader.Read() && reader.BytesConsumed == utf8.Length;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    public override string ToString() => Encoding.UTF8.GetString(Utf8.Span);

    public bool Equals(RawJson other) => Utf8.Span.SequenceEqual(other.Utf8.Span);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(Utf8.Span);
        return hash.ToHashCode();
    }
}
