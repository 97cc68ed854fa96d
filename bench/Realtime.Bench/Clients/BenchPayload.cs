using System.Buffers.Text;
using System.Text;

namespace Realtime.Bench.Clients;

/// <summary>
/// The data of a bench publication: <c>{"s":sender,"n":sequence,"t":sent,"p":"xx…"}</c>, padded
/// to exactly the requested size so every scenario moves the bytes it claims to. <c>t</c> is a
/// <see cref="System.Diagnostics.Stopwatch"/> timestamp (CLOCK_MONOTONIC on Linux), comparable
/// across processes on one machine.
/// </summary>
internal static class BenchPayload
{
    /// <summary>Room for the longest sender, sequence and timestamp (74 bytes of JSON around them) and some padding.</summary>
    public const int MinimumSize = 80;

    /// <summary>Writes the data into <paramref name="destination"/>; returns its length (always <paramref name="size"/>).</summary>
    public static int Write(Span<byte> destination, int size, int sender, long sequence, long timestamp)
    {
        if (size < MinimumSize)
        {
            throw new ArgumentOutOfRangeException(nameof(size), $"payloads are at least {MinimumSize} bytes");
        }

        var length = 0;
        Append(destination, ref length, "{\"s\":"u8);
        Utf8Formatter.TryFormat(sender, destination[length..], out var written);
        length += written;
        Append(destination, ref length, ",\"n\":"u8);
        Utf8Formatter.TryFormat(sequence, destination[length..], out written);
        length += written;
        Append(destination, ref length, ",\"t\":"u8);
        Utf8Formatter.TryFormat(timestamp, destination[length..], out written);
        length += written;
        Append(destination, ref length, ",\"p\":\""u8);
        var padding = size - length - 2;
        destination.Slice(length, padding).Fill((byte)'x');
        length += padding;
        Append(destination, ref length, "\"}"u8);
        return length;
    }

    private static void Append(Span<byte> destination, ref int length, ReadOnlySpan<byte> text)
    {
        text.CopyTo(destination[length..]);
        length += text.Length;
    }

    /// <summary>For messages and tests.</summary>
    public static string ToText(int size, int sender, long sequence, long timestamp)
    {
        var buffer = new byte[size];
        return Encoding.UTF8.GetString(buffer, 0, Write(buffer, size, sender, sequence, timestamp));
    }
}
