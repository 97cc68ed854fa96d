using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Text;

namespace Realtime.Bench.Clients;

/// <summary>
/// One protocol connection of the load generator: connects and subscribes in one frame,
/// publishes to one channel, answers pings, and reports what arrives to its observer.
/// </summary>
internal sealed class BenchClient : IDisposable
{
    /// <summary>Publish ids start here; below it are connect and subscribe ids.</summary>
    private const uint FirstPublishId = 1_000_000;

    private readonly IClientObserver _observer;
    private readonly CancellationTokenSource _stop = new();
    private RawWebSocket? _socket;
    private TaskCompletionSource<Handshake>? _handshake;
    private Handshake? _handshakeResult;
    private int _awaitedReplies;
    private List<SubscribeCommand> _subscribeCommands = [];
    private byte[] _publishChannel = [];
    private Task _receiving = Task.CompletedTask;
    private int _pings;
    private int _closed;

    public BenchClient(int index, IClientObserver observer)
    {
        Index = index;
        _observer = observer;
    }

    /// <summary>The scenario's number for this client (its sender id in payloads).</summary>
    public int Index { get; }

    /// <summary>Server pings answered so far.</summary>
    public int PingsAnswered => Volatile.Read(ref _pings);

    /// <summary>Completes when the connection has ended.</summary>
    public Task Completion => _receiving;

    /// <summary>
    /// Opens the WebSocket, sends connect and the subscribes in one frame, and completes once
    /// every reply arrived. Publications recovered by the subscribes reach the observer first.
    /// </summary>
    public async Task<Handshake> ConnectAsync(Uri endpoint, IPAddress source, string? token, IReadOnlyList<SubscribeCommand> subscriptions, CancellationToken cancellationToken)
    {
        _socket = await RawWebSocket.ConnectAsync(endpoint, source, cancellationToken);
        _subscribeCommands = [.. subscriptions];
        _handshakeResult = new Handshake();
        _handshake = new TaskCompletionSource<Handshake>(TaskCreationOptions.RunContinuationsAsynchronously);
        _awaitedReplies = 1 + subscriptions.Count;
        _receiving = Task.Run(ReceiveLoopAsync, CancellationToken.None);
        _socket.SendText(Frames.ConnectAndSubscribe(1, token, subscriptions));
        using var registration = cancellationToken.Register(() => _handshake.TrySetCanceled(cancellationToken));
        return await _handshake.Task;
    }

    /// <summary>Sets the channel <see cref="Publish"/> writes to.</summary>
    public void PublishTo(string channel) => _publishChannel = Frames.Quoted(channel);

    /// <summary>Sends one publish of exactly <paramref name="size"/> data bytes, stamped now.</summary>
    public void Publish(int size, long sequence)
    {
        if (_socket is not { } socket)
        {
            return;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(RawWebSocket.HeaderRoom + size + Frames.PublishOverhead(_publishChannel));
        try
        {
            var length = Frames.Publish(buffer.AsSpan(RawWebSocket.HeaderRoom), FirstPublishId + (uint)sequence, _publishChannel, size, Index, sequence, Stopwatch.GetTimestamp());
            socket.SendText(buffer, length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Drops the connection abruptly (a reset, no close handshake), as a dying network would.</summary>
    public void Abort() => _socket?.Abort();

    private async Task ReceiveLoopAsync()
    {
        try
        {
            await _socket!.ReceiveAsync(Dispatch, _stop.Token);
        }
        finally
        {
            var closeCode = _socket!.CloseStatus;
            _handshake?.TrySetException(new IOException($"connection closed during the handshake ({closeCode})"));
            if (Interlocked.Exchange(ref _closed, 1) == 0)
            {
                _observer.OnClosed(this, closeCode);
            }
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
                    _socket!.SendText("{}"u8);
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

    /// <summary>Closes the connection with a close frame and waits (briefly) for the server's.</summary>
    public async Task CloseAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            _socket?.Close();
            // Forced off the socket event thread: whatever runs after a close must not block it.
            await _receiving.WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ForceYielding);
        }

        Dispose();
    }

    /// <summary>Drops the connection without a close handshake.</summary>
    public void Dispose()
    {
        Interlocked.Exchange(ref _closed, 1);
        _stop.Cancel();
        _socket?.Dispose();
    }
}
