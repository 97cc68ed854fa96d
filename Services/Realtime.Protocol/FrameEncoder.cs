using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Realtime.Protocol;

/// <summary>
/// Turns a writer callback into an exact-size byte array, reusing one buffer and one
/// <see cref="Utf8JsonWriter"/> per thread so encoding allocates only its result.
/// </summary>
public static class FrameEncoder
{
    // Relaxed escaping keeps non-ASCII text (chat in any language) readable and short on the wire;
    // the JSON is never embedded in HTML, where the default encoder's caution would matter.
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;

    public static byte[] Encode<TState>(TState state, Action<Utf8JsonWriter, TState> write)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        var writer = t_writer ??= new Utf8JsonWriter(buffer, WriterOptions);
        try
        {
            writer.Reset(buffer);
            write(writer, state);
            writer.Flush();
            return buffer.WrittenSpan.ToArray();
        }
        finally
        {
            buffer.ResetWrittenCount();
            // A rare huge frame must not pin its buffer to the thread forever.
            if (buffer.Capacity > 64 * 1024)
            {
                t_buffer = null;
                t_writer = null;
            }
        }
    }

    /// <summary>The server's ping, and the client's pong: an empty object.</summary>
    public static ReadOnlyMemory<byte> Ping { get; } = "{}"u8.ToArray();
}
