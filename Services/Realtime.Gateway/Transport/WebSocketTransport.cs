using System.Buffers;
using System.Net.WebSockets;
using Realtime.Gateway.Clients;
using Realtime.Gateway.Telemetry;
using Realtime.Protocol;
using Realtime.Protocol.Codes;

namespace Realtime.Gateway.Transport;

/// <summary>
/// A client over a WebSocket: one text message per batch of JSON frames, one binary message
/// per batch of Protobuf frames; the close frame carries the disconnect code.
/// </summary>
internal sealed class WebSocketTransport(WebSocket socket, ProtocolFormat format) : ClientTransport(format)
{
    private readonly WebSocketMessageType _messageType = format == ProtocolFormat.Protobuf ? WebSocketMessageType.Binary : WebSocketMessageType.Text;

    public override bool ClosedByClient => socket.State == WebSocketState.CloseReceived;

    public override ValueTask SendAsync(ReadOnlyMemory<byte> frames) =>
        socket.SendAsync(frames, _messageType, endOfMessage: true, CancellationToken.None);

    public override async Task CloseAsync(Disconnect disconnect)
    {
        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            // Whatever the reason's source, the frame stays valid: an overlong reason would make
            // the close itself fail, and the client see an abnormal close it retries.
            await socket.CloseOutputAsync((WebSocketCloseStatus)disconnect.Code, Disconnect.FitReason(disconnect.Reason), CancellationToken.None);
        }
    }

    public override void Abort() => socket.Abort();

    public override void AbortUnlessClosed()
    {
        if (socket.State != WebSocketState.Closed)
        {
            socket.Abort();
        }
    }

    /// <summary>
    /// Reads messages until the client's close frame. Reads take no cancellation token (a
    /// pending receive would hold a registration for the connection's whole idle life): a
    /// connection that must end is aborted, which ends the read.
    /// </summary>
    public override async Task ReceiveAsync(ClientSession session)
    {
        var maxFrame = session.MaxFrameSize;
        while (true)
        {
            // A zero-byte read waits for data without holding a buffer: idle connections cost no buffer memory.
            var peek = await socket.ReceiveAsync(Memory<byte>.Empty, CancellationToken.None);
            if (peek.MessageType == WebSocketMessageType.Close)
            {
                return;
            }

            if (session.Closing)
            {
                // Closing: input is read only to reach the client's close frame.
                if (await DiscardMessageAsync())
                {
                    return;
                }

                continue;
            }

            var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(4096, maxFrame + 1));
            try
            {
                var length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (length == buffer.Length)
                    {
                        if (buffer.Length > maxFrame)
                        {
                            session.Close(Disconnect.MessageSizeLimit);
                            break;
                        }

                        var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, maxFrame + 1));
                        buffer.AsSpan(0, length).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }

                    result = await socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        return;
                    }

                    length += result.Count;
                }
                while (!result.EndOfMessage);

                if (session.Closing)
                {
                    continue; // Oversize: the rest of the frame is discarded with whatever follows.
                }

                if (length > maxFrame)
                {
                    session.Close(Disconnect.MessageSizeLimit);
                    continue;
                }

                GatewayMetrics.RecordReceived(length);
                await session.HandleMessageAsync(buffer.AsMemory(0, length));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>Reads one incoming message to nowhere; true when it was the client's close frame.</summary>
    private async Task<bool> DiscardMessageAsync()
    {
        var scratch = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            ValueWebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(scratch.AsMemory(), CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return true;
                }
            }
            while (!result.EndOfMessage);
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }
}
