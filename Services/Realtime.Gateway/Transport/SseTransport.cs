using System.Buffers;
using System.IO.Pipelines;
using Realtime.Protocol;

namespace Realtime.Gateway.Transport;

/// <summary>
/// Centrifugo's SSE transport (JSON only): each write is one <c>text/event-stream</c> event.
/// Frames joined by newlines become one <c>data:</c> line each, which the event's reader joins
/// back with newlines — the SDK's own framing. JSON frames hold no raw newline.
/// </summary>
internal sealed class SseTransport(HttpContext context, ReadOnlyMemory<byte> connect, int maxPendingRequests)
    : EmulatedTransport(context, ProtocolFormat.Json, connect, maxPendingRequests)
{
    protected override void Write(PipeWriter writer, ReadOnlySpan<byte> frames)
    {
        while (true)
        {
            writer.Write("data: "u8);
            var end = frames.IndexOf((byte)'\n');
            if (end < 0)
            {
                writer.Write(frames);
                writer.Write("\n\n"u8);
                return;
            }

            writer.Write(frames[..(end + 1)]);
            frames = frames[(end + 1)..];
        }
    }
}
