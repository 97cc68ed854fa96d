using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;

namespace Realtime.Bench.Tests.StandIn;

/// <summary>
/// One WebSocket of the stand-in: reads the client's messages line by line, and writes its frames
/// from an outbox in the order they were queued (a WebSocket takes one send at a time).
/// </summary>
internal sealed class StandInConnection(WebSocket socket)
{
    private readonly Channel<string> _outbox = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly List<StandInChannel> _subscriptions = [];

    public void Send(string frame) => _outbox.Writer.TryWrite(frame);

    /// <summary>Remembered so the channel forgets this connection once it ends.</summary>
    public void Subscribed(StandInChannel channel) => _subscriptions.Add(channel);

    /// <summary>Serves the connection until the client closes it or the stand-in stops.</summary>
    public async Task RunAsync(Action<StandInConnection, ReadOnlyMemory<byte>> handleLine, CancellationToken stop)
    {
        var writing = WriteAsync(stop);
        try
        {
            await ReadAsync(handleLine, stop);
        }
        catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException)
        {
        }
        finally
        {
            foreach (var channel in _subscriptions)
            {
                channel.Unsubscribe(this);
            }

            _outbox.Writer.TryComplete();
            await writing;
        }

        await CloseAsync(stop);
    }

    private async Task ReadAsync(Action<StandInConnection, ReadOnlyMemory<byte>> handleLine, CancellationToken stop)
    {
        var message = new ArrayBufferWriter<byte>();
        while (true)
        {
            var result = await socket.ReceiveAsync(message.GetMemory(4096), stop);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return;
            }

            message.Advance(result.Count);
            if (!result.EndOfMessage)
            {
                continue;
            }

            // Commands come newline-delimited, several in one message (connect and subscribe do).
            var rest = message.WrittenMemory;
            while (!rest.IsEmpty)
            {
                var newline = rest.Span.IndexOf((byte)'\n');
                var line = newline < 0 ? rest : rest[..newline];
                rest = newline < 0 ? ReadOnlyMemory<byte>.Empty : rest[(newline + 1)..];
                if (!line.IsEmpty)
                {
                    handleLine(this, line);
                }
            }

            message.ResetWrittenCount();
        }
    }

    private async Task WriteAsync(CancellationToken stop)
    {
        try
        {
            await foreach (var frame in _outbox.Reader.ReadAllAsync(stop))
            {
                await socket.SendAsync(Encoding.UTF8.GetBytes(frame), WebSocketMessageType.Text, endOfMessage: true, stop);
            }
        }
        catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException)
        {
        }
    }

    /// <summary>Answers the client's close, so the bench client's receive loop ends cleanly.</summary>
    private async Task CloseAsync(CancellationToken stop)
    {
        if (socket.State != WebSocketState.CloseReceived)
        {
            return;
        }

        try
        {
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, stop);
        }
        catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException)
        {
        }
    }
}
