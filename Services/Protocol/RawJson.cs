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

    public override string ToString() => Encoding.UTF8.GetString(Utf8.Span);

    public bool Equals(RawJson other) => Utf8.Span.SequenceEqual(other.Utf8.Span);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(Utf8.Span);
        return hash.ToHashCode();
    }
}
