using System.Buffers;
using System.IO.Pipelines;
using Realtime.Protocol;

namespace Realtime.Gateway.Transport;

/// <summary>
/// Centrifugo's HTTP-streaming transport: replies and pushes as one long response, JSON frames
/// each ended by a newline, Protobuf frames length-delimited as on a WebSocket.
/// </summary>
internal sealed class HttpStreamTransport(HttpContext context, ProtocolFormat format, ReadOnlyMemory<byte> connect, int maxPendingRequests)
    : EmulatedTransport(context, format, connect, maxPendingRequests)
{
    protected override void Write(PipeWriter writer, ReadOnlySpan<byte> frames)
    {
        writer.Write(frames);
        if (Format == ProtocolFormat.Json)
        {
            writer.Write("\n"u8);
        }
    }
}
