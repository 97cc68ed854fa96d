using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace Realtime.Bench.Clients;

/// <summary>Commands of the client protocol (JSON), written the way the SDKs write them.</summary>
internal static class Frames
{
    public static byte[] ConnectAndSubscribe(uint connectId, string? token, IReadOnlyList<SubscribeCommand> subscriptions)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("id"u8, connectId);
            w.WriteStartObject("connect"u8);
            if (token is not null)
            {
                w.WriteString("token"u8, token);
            }

            w.WriteString("name"u8, "realtime-bench"u8);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        foreach (var subscription in subscriptions)
        {
            buffer.WriteByte((byte)'\n');
            using var w = new Utf8JsonWriter(buffer);
            w.WriteStartObject();
            w.WriteNumber("id"u8, subscription.Id);
            w.WriteStartObject("subscribe"u8);
            w.WriteString("channel"u8, subscription.Channel);
            if (subscription.Recover is { } position)
            {
                w.WriteBoolean("recover"u8, true);
                w.WriteNumber("offset"u8, position.Offset);
                w.WriteString("epoch"u8, position.Epoch);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>Writes <c>{"id":N,"publish":{"channel":"C","data":DATA}}</c>; returns its length.</summary>
    public static int Publish(Span<byte> destination, uint id, ReadOnlySpan<byte> quotedChannel, int size, int sender, long sequence, long timestamp)
    {
        var length = 0;
        Append(destination, ref length, "{\"id\":"u8);
        Utf8Formatter.TryFormat(id, destination[length..], out var written);
        length += written;
        Append(destination, ref length, ",\"publish\":{\"channel\":"u8);
        Append(destination, ref length, quotedChannel);
        Append(destination, ref length, ",\"data\":"u8);
        length += BenchPayload.Write(destination[length..], size, sender, sequence, timestamp);
        Append(destination, ref length, "}}"u8);
        return length;
    }

    /// <summary>Room a publish command needs beyond its data.</summary>
    public static int PublishOverhead(ReadOnlySpan<byte> quotedChannel) => 48 + quotedChannel.Length;

    public static byte[] Quoted(string channel) => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(channel, BenchJsonContext.Default.String));

    /// <summary>The answer to a server ping.</summary>
    public static ReadOnlyMemory<byte> Pong { get; } = "{}"u8.ToArray();

    private static void Append(Span<byte> destination, ref int length, ReadOnlySpan<byte> text)
    {
        text.CopyTo(destination[length..]);
        length += text.Length;
    }
}

/// <summary>A subscribe command: with <see cref="Recover"/>, from a known stream position.</summary>
internal sealed record SubscribeCommand(uint Id, string Channel, StreamPosition? Recover = null);

/// <summary>A place in a channel's stream.</summary>
internal readonly record struct StreamPosition(ulong Offset, string Epoch);
