using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Realtime.Bench.Clients;

/// <summary>
/// One protocol connection of the load generator: connects and subscribes in one frame,
/// publishes to one channel, answers pings, and reports what arrives to its observer. Idle, it
/// holds no receive buffer (zero-byte reads), so tens of thousands fit in one process.
/// </summary>
internal sealed class BenchClient : IAsyncDisposable
{
    /// <summary>Publish ids start here; below it are connect and subscribe ids.</summary>
    private const uint FirstPublishId = 1_000_000;
    private const int ReceiveBufferSize = 16 * 1024;

    private readonly ClientWebSocket _socket = new();
    private readonly IClientObserver _observer;
    private readonly Lock _sendGate = new();
    private readonly Queue<(byte[] Buffer, int Length, bool Pooled)> _sendQueue = new();
    private readonly CancellationTokenSource _stop = new();
    private bool _sending;
    private TaskCompletionSource<Handshake>? _handshake;
    private Handshake? _handshakeResult;
    private int _awaitedReplies;
    private List<SubscribeCommand> _subscribeCommands = [];
    private byte[] _publishChannel = [];
    private Task _receiving = Task.CompletedTask;
    private int _pings;

    public BenchClient(int index, IClientObserver observer)
    {
        Index = index;
        _observer = observer;
        _socket.Options.KeepAliveInterval = TimeSpan.Zero; // The server pings; the client answers.
    }

    /// <summary>The scenario's number for this client (its sender id in payloads).</summary>
    public int Index { get; }

    /// <summary>Server pings answered so far.</summary>
    public int PingsAnswered => Volatile.Read(ref _pings);

    /// <summary>Completes when the connection has ended.</summary>
    public Task Completion => _receiving;

    public WebSocketState State => _socket.State;

    /// <summary>
    /// Opens the WebSocket, sends connect and the subscribes in one frame, and completes once
    /// every reply arrived. Publications recovered by the subscribes reach the observer first.
    /// </summary>
    public async Task<Handshake> ConnectAsync(Uri endpoint, HttpMessageInvoker invoker, string? token, IReadOnlyList<SubscribeCommand> subscriptions, CancellationToken cancellationToken)
    {
        await _socket.ConnectAsync(endpoint, invoker, cancellationToken);
        _subscribeCommands = [.. subscriptions];
        _handshakeResult = new Handshake();
        _handshake = new TaskCompletionSource<Handshake>(TaskCreationOptions.RunContinuationsAsynchronously);
        _awaitedReplies = 1 + subscriptions.Count;
        _receiving = Task.Run(ReceiveLoopAsync, CancellationToken.None);
        SendCopy(Frames.ConnectAndSubscribe(1, token, subscriptions));
        using var registration = cancellationToken.Register(() => _handshake.TrySetCanceled(cancellationToken));
        return await _handshake.Task;
    }

    /// <summary>Sets the channel <see cref="Publish"/> writes to.</summary>
    public void PublishTo(string channel) => _publishChannel = Frames.Quoted(channel);

    /// <summary>
    /// Sends one publish of exactly <paramref name="size"/> data bytes, stamped now. Never
    /// blocks: if a send is in progress the frame waits behind it.
    /// </summary>
    public void Publish(int size, long sequence)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(size + Frames.PublishOverhead(_publishChannel));
        var length = Frames.Publish(buffer, FirstPublishId + (uint)sequence, _publishChannel, size, Index, sequence, Stopwatch.GetTimestamp());
        Send(buffer, length, pooled: true);
    }

    /// <summary>Closes the socket abruptly (no close handshake), as a dying network would.</summary>
    public void Abort()
    {
        _socket.Abort();
        _stop.Cancel();
    }

    private void SendCopy(byte[] frame) => Send(frame, frame.Length, pooled: false);

    private void Send(byte[] buffer, int length, bool pooled)
    {
        lock (_sendGate)
        {
            if (_sending)
            {
                _sendQueue.Enqueue((buffer, length, pooled));
                return;
            }

            _sending = true;
        }

        _ = SendLoopAsync(buffer, length, pooled);
    }

    private async Task SendLoopAsync(byte[] buffer, int length, bool pooled)
    {
        while (true)
        {
            try
            {
                await _socket.SendAsync(buffer.AsMemory(0, length), WebSocketMessageType.Text, endOfMessage: true, _stop.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
            {
                // The receive loop reports the end of the connection.
            }
            finally
            {
                if (pooled)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }

            lock (_sendGate)
            {
                if (!_sendQueue.TryDequeue(out var next))
                {
                    _sending = false;
                    return;
                }

                (buffer, length, pooled) = next;
            }
        }
    }

    private async Task ReceiveLoopAsync()
    {
        int? closeCode = null;
        try
        {
            while (true)
            {
                var peek = await _socket.ReceiveAsync(Memory<byte>.Empty, _stop.Token);
                if (peek.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                var buffer = ArrayPool<byte>.Shared.Rent(ReceiveBufferSize);
                try
                {
                    var length = 0;
                    ValueWebSocketReceiveResult result;
                    do
                    {
                        if (length == buffer.Length)
                        {
                            var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                            buffer.AsSpan(0, length).CopyTo(larger);
                            ArrayPool<byte>.Shared.Return(buffer);
                            buffer = larger;
                        }

                        result = await _socket.ReceiveAsync(buffer.AsMemory(length), _stop.Token);
                        length += result.Count;
                    }
                    while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        break;
                    }

                    Dispatch(buffer.AsSpan(0, length), Stopwatch.GetTimestamp());
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
        }
        finally
        {
            closeCode = (int?)_socket.CloseStatus;
            _handshake?.TrySetException(new WebSocketException($"connection closed during the handshake ({closeCode})"));
            _observer.OnClosed(this, closeCode);
        }
    }

    private void Dispatch(ReadOnlySpan<byte> message, long receivedAt)
    {
        while (IncomingParser.NextLine(ref message, out var line))
        {
            var frame = IncomingParser.Parse(line);
            switch (frame.Kind)
            {
                case IncomingKind.Ping:
                    Interlocked.Increment(ref _pings);
                    Send(Pong, Pong.Length, pooled: false);
                    break;
                case IncomingKind.Publication:
                    _observer.OnPublication(this, frame.Channel, frame.Publication, receivedAt, recovered: false);
                    break;
                case IncomingKind.Reply when frame.Id >= FirstPublishId:
                    _observer.OnPublishReply(this, frame.Id - FirstPublishId, frame.ErrorCode);
                    break;
                case IncomingKind.Reply:
                    OnHandshakeReply(ref frame, receivedAt);
                    break;
            }
        }
    }

    private static readonly byte[] Pong = "{}"u8.ToArray();

    private void OnHandshakeReply(ref IncomingFrame frame, long receivedAt)
    {
        if (_handshakeResult is not { } result)
        {
            return;
        }

        if (frame.Id == 1)
        {
            result.ConnectError = frame.ErrorCode;
        }
        else if (FindSubscribe(frame.Id) is { } command)
        {
            var channel = Encoding.UTF8.GetBytes(command.Channel);
            if (frame.Publications is { } recovered)
            {
                foreach (var publication in recovered)
                {
                    _observer.OnPublication(this, channel, publication, receivedAt, recovered: true);
                }
            }

            var outcome = new SubscribeOutcome(command.Channel, frame.ErrorCode,
                new StreamPosition(frame.Offset, frame.Epoch ?? ""), frame.Recovered, frame.Publications?.Count ?? 0);
            result.Subscriptions.Add(outcome);
            if (outcome.ErrorCode == 0)
            {
                _observer.OnSubscribed(this, outcome);
            }
        }

        if (--_awaitedReplies == 0 || frame.ErrorCode != 0 && frame.Id == 1)
        {
            _handshake!.TrySetResult(result);
        }
    }

    private SubscribeCommand? FindSubscribe(uint id)
    {
        foreach (var command in _subscribeCommands)
        {
            if (command.Id == id)
            {
                return command;
            }
        }

        return null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
            {
            }
        }

        _stop.Cancel();
        await _receiving.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _socket.Dispose();
        _stop.Dispose();
    }
}
