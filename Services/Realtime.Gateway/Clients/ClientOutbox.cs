using System.Buffers;
using System.Net.WebSockets;
using Realtime.Gateway.Transport;
using Realtime.Protocol;
using Realtime.Gateway.Telemetry;
using Realtime.Protocol.Codes;

namespace Realtime.Gateway.Clients;

/// <summary>
/// A client's bounded queue of outgoing frames and the writer that drains it. Frames waiting
/// together are coalesced into one write (one WebSocket message, or one chunk of an HTTP stream). No writer task exists
/// while the queue is empty, and the coalescing buffer is rented only for one write, so an
/// idle connection holds no buffer. The writer starts on the thread that queued the first frame
/// (a write into Kestrel's pipe rarely has to wait), so a push or reply costs no thread hop; a
/// write that does not finish within <see cref="GatewayOptions.WriteTimeout"/> is found by the
/// node's heartbeat timer (<see cref="AbortIfStalled"/>), so no write arms a timer of its own.
/// </summary>
internal sealed class ClientOutbox(ClientTransport transport, GatewayOptions options, Action<Disconnect> onWriteFailure)
{
    // JSON frames are joined by newlines; Protobuf frames carry their own length prefixes, so
    // they are simply concatenated.
    private readonly int _separator = transport.Format == ProtocolFormat.Protobuf ? 0 : 1;

    private readonly Lock _gate = new();
    private readonly Queue<ReadOnlyMemory<byte>> _queue = new();
    private int _queuedBytes;
    private bool _writing;
    private Disconnect? _close;
    private bool _completed;
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _writeStartedAt;
    private bool _grown;

    /// <summary>Queue slots an outbox keeps between bursts (a backlog beyond them is released once drained).</summary>
    private const int SlotsKept = 8;

    public int QueuedBytes => Volatile.Read(ref _queuedBytes);

    /// <summary>Completes once the close frame was written (or writing became impossible).</summary>
    public Task Completion => _drained.Task;

    /// <summary>Queues a frame; false when the client is too far behind (the caller disconnects it as slow).</summary>
    public bool TryEnqueue(ReadOnlyMemory<byte> frame)
    {
        lock (_gate)
        {
            if (_close is not null || _completed)
            {
                return true; // Closing: late frames are dropped, which is not the client's fault.
            }

            if (_queue.Count >= options.MaxQueuedMessages || _queuedBytes + frame.Length > options.MaxQueuedBytes)
            {
                return false;
            }

            _queue.Enqueue(frame);
            _grown |= _queue.Count > SlotsKept;
            _queuedBytes += frame.Length;
            GatewayMetrics.AddQueuedBytes(frame.Length);
            if (!TryClaimWriter())
            {
                return true;
            }
        }

        _ = WriteLoopAsync();
        return true;
    }

    /// <summary>
    /// Called by the heartbeat timer: a write that has been waiting longer than the write timeout
    /// (the client stopped reading and the socket buffers are full) aborts the connection.
    /// </summary>
    public void AbortIfStalled(long now)
    {
        var started = Volatile.Read(ref _writeStartedAt);
        if (started != 0 && System.Diagnostics.Stopwatch.GetElapsedTime(started, now) > options.WriteTimeout)
        {
            transport.Abort();
        }
    }

    /// <summary>
    /// Writes what is queued, then a close frame with the disconnect's code. With
    /// <paramref name="discardQueued"/> the queued frames are dropped first (slow clients).
    /// </summary>
    public void Close(Disconnect disconnect, bool discardQueued)
    {
        lock (_gate)
        {
            if (_close is not null || _completed)
            {
                return;
            }

            _close = disconnect;
            if (discardQueued)
            {
                GatewayMetrics.AddQueuedBytes(-_queuedBytes);
                _queue.Clear();
                _queuedBytes = 0;
            }

            if (!TryClaimWriter())
            {
                return;
            }
        }

        _ = WriteLoopAsync();
    }

    /// <summary>Whether the caller is to start the writer (caller holds the lock).</summary>
    private bool TryClaimWriter()
    {
        if (_writing)
        {
            return false;
        }

        _writing = true;
        return true;
    }

    private async Task WriteLoopAsync()
    {
        while (true)
        {
            ReadOnlyMemory<byte> single = default;
            byte[]? rented = null;
            int length = 0, frames = 0;
            Disconnect? close = null;
            lock (_gate)
            {
                if (_queue.Count == 0)
                {
                    if (_close is { } pending && !_completed)
                    {
                        close = pending;
                    }
                    else
                    {
                        _writing = false;
                        if (_queue.Count == 0 && _grown)
                        {
                            // A backlog grew the queue: give its array back. A queue that never
                            // grew keeps its few slots, so steady traffic allocates nothing.
                            _queue.TrimExcess();
                            _grown = false;
                        }

                        return;
                    }
                }
                else
                {
                    (single, rented, length, frames) = TakeBatch();
                }
            }

            try
            {
                Volatile.Write(ref _writeStartedAt, System.Diagnostics.Stopwatch.GetTimestamp());
                if (close is { } disconnect)
                {
                    await CloseSocketAsync(disconnect);
                    return;
                }

                var payload = rented is null ? single : rented.AsMemory(0, length);
                await transport.SendAsync(payload);
                GatewayMetrics.RecordSent(length, frames);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
            {
                Complete();
                onWriteFailure(Disconnect.WriteError);
                return;
            }
            finally
            {
                Volatile.Write(ref _writeStartedAt, 0);
                if (rented is not null)
                {
                    ArrayPool<byte>.Shared.Return(rented);
                }
            }
        }
    }

    /// <summary>Dequeues frames up to the coalescing limit (caller holds the lock).</summary>
    private (ReadOnlyMemory<byte> Single, byte[]? Rented, int Length, int Frames) TakeBatch()
    {
        var first = _queue.Dequeue();
        var length = first.Length;
        var frames = 1;
        if (_queue.Count == 0 || length + _separator + _queue.Peek().Length > options.MaxCoalescedBytes)
        {
            Release(length);
            return (first, null, length, frames);
        }

        var rented = ArrayPool<byte>.Shared.Rent(options.MaxCoalescedBytes);
        first.Span.CopyTo(rented);
        while (_queue.Count > 0 && length + _separator + _queue.Peek().Length <= options.MaxCoalescedBytes)
        {
            var next = _queue.Dequeue();
            if (_separator > 0)
            {
                rented[length++] = (byte)'\n';
            }

            next.Span.CopyTo(rented.AsSpan(length));
            length += next.Length;
            frames++;
        }

        Release(length - _separator * (frames - 1));
        return (default, rented, length, frames);
    }

    private void Release(int bytes)
    {
        _queuedBytes -= bytes;
        GatewayMetrics.AddQueuedBytes(-bytes);
    }

    private async Task CloseSocketAsync(Disconnect disconnect)
    {
        try
        {
            await transport.CloseAsync(disconnect);
        }
        finally
        {
            Complete();
        }
    }

    private void Complete()
    {
        lock (_gate)
        {
            _completed = true;
            _writing = false;
            GatewayMetrics.AddQueuedBytes(-_queuedBytes);
            _queue.Clear();
            _queuedBytes = 0;
        }

        _drained.TrySetResult();
    }
}
