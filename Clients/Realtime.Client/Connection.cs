using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json;

namespace Realtime.Client;

/// <summary>
/// One WebSocket connection: sends commands one at a time, reads messages in order (replies,
/// pushes, pings), and watches the server's pings. A reply may carry an inline handler that runs
/// in the read loop before the next message is read, so what a reply delivers (a subscription's
/// recovered publications) precedes the pushes that follow it on the wire.
/// </summary>
internal sealed class Connection : IAsyncDisposable
{
    private static readonly byte[] JsonPong = "{}"u8.ToArray();

    // An empty Command, length-delimited.
    private static readonly byte[] ProtobufPong = [0];

    private readonly ClientWebSocket _socket;
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly ArrayBufferWriter<byte> _commandBuffer = new(256);
    private readonly ArrayBufferWriter<byte> _protobufBuffer = new(256);
    private readonly WireFormat _format;
    private readonly ConcurrentDictionary<uint, PendingCall> _pending = new();
    private readonly CancellationTokenSource _aborted = new();
    private readonly Func<JsonElement, CancellationToken, ValueTask> _onPush;
    private readonly TimeSpan _maxServerPingDelay;
    private uint _nextId;
    private long _lastReceived = Environment.TickCount64;
    private TimeSpan _pingInterval;
    private bool _answerPings;

    private Connection(ClientWebSocket socket, WireFormat format, Func<JsonElement, CancellationToken, ValueTask> onPush, TimeSpan maxServerPingDelay)
    {
        _socket = socket;
        _format = format;
        _onPush = onPush;
        _maxServerPingDelay = maxServerPingDelay;
        Completion = RunAsync();
    }

    /// <summary>Completes when the connection ends, with the server's close code (0 when the link broke).</summary>
    public Task<(int Code, string Reason)> Completion { get; }

    public static async Task<Connection> OpenAsync(Uri endpoint, WireFormat format, TimeSpan timeout, TimeSpan maxServerPingDelay, Func<JsonElement, CancellationToken, ValueTask> onPush, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        if (format == WireFormat.Protobuf)
        {
            socket.Options.AddSubProtocol("centrifuge-protobuf");
        }

        socket.Options.KeepAliveInterval = TimeSpan.Zero; // the protocol's own pings watch the link
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(endpoint, deadline.Token).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new Connection(socket, format, onPush, maxServerPingDelay);
    }

    /// <summary>Starts watching the server's pings: silence longer than the interval plus the allowed delay breaks the connection.</summary>
    public void ExpectPings(TimeSpan interval, bool answer)
    {
        _pingInterval = interval;
        _answerPings = answer;
        if (interval > TimeSpan.Zero)
        {
            _ = WatchPingsAsync();
        }
    }

    /// <summary>
    /// Sends a command and returns its result (the reply's member named after the method).
    /// <paramref name="inline"/> runs in the read loop, before any later message is handled.
    /// </summary>
    public async Task<JsonElement> CallAsync(string method, Action<Utf8JsonWriter> body, TimeSpan timeout, Func<JsonElement, CancellationToken, ValueTask>? inline = null)
    {
        if (_aborted.IsCancellationRequested)
        {
            throw new WebSocketException(WebSocketError.ConnectionClosedPrematurely, "the connection has ended");
        }

        var id = Interlocked.Increment(ref _nextId);
        var call = new PendingCall(method, inline);
        _pending[id] = call;
        try
        {
            await SendCommandAsync(id, method, body).ConfigureAwait(false);
            return await call.Result.Task.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A reply that never comes means a broken link: start over on a new connection.
            Abort();
            throw;
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    /// <summary>Sends a command that has no reply (send).</summary>
    public Task SendAsync(string method, Action<Utf8JsonWriter> body) => SendCommandAsync(0, method, body);

    public void Abort() => _aborted.Cancel();

    public async Task CloseAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Already gone.
        }

        Abort();
    }

    private async Task SendCommandAsync(uint id, string method, Action<Utf8JsonWriter> body)
    {
        await _sending.WaitAsync(_aborted.Token).ConfigureAwait(false);
        try
        {
            _commandBuffer.ResetWrittenCount();
            ProtocolJson.WriteCommand(_commandBuffer, id, method, body);
            if (_format == WireFormat.Protobuf)
            {
                _protobufBuffer.ResetWrittenCount();
                ProtobufTranscoder.WriteCommand(_commandBuffer.WrittenMemory, _protobufBuffer);
                await _socket.SendAsync(_protobufBuffer.WrittenMemory, WebSocketMessageType.Binary, endOfMessage: true, _aborted.Token).ConfigureAwait(false);
            }
            else
            {
                await _socket.SendAsync(_commandBuffer.WrittenMemory, WebSocketMessageType.Text, endOfMessage: true, _aborted.Token).ConfigureAwait(false);
            }
        }
        finally
        {
            _sending.Release();
        }
    }

    private async Task SendPongAsync()
    {
        await _sending.WaitAsync(_aborted.Token).ConfigureAwait(false);
        try
        {
            await (_format == WireFormat.Protobuf
                ? _socket.SendAsync(ProtobufPong, WebSocketMessageType.Binary, endOfMessage: true, _aborted.Token)
                : _socket.SendAsync(JsonPong, WebSocketMessageType.Text, endOfMessage: true, _aborted.Token)).ConfigureAwait(false);
        }
        finally
        {
            _sending.Release();
        }
    }

    private async Task<(int, string)> RunAsync()
    {
        await Task.Yield();
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            while (true)
            {
                var length = 0;
                ValueWebSocketReceiveResult received;
                do
                {
                    if (length == buffer.Length)
                    {
                        var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, length).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }

                    received = await _socket.ReceiveAsync(buffer.AsMemory(length), _aborted.Token).ConfigureAwait(false);
                    length += received.Count;
                }
                while (!received.EndOfMessage);

                if (received.MessageType == WebSocketMessageType.Close)
                {
                    return ((int?)_socket.CloseStatus ?? 0, _socket.CloseStatusDescription ?? "");
                }

                Volatile.Write(ref _lastReceived, Environment.TickCount64);
                await HandleMessageAsync(buffer.AsMemory(0, length)).ConfigureAwait(false);
            }
        }
#pragma warning disable CA1031 // Whatever ends the read loop ends this connection; the client reconnects.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return (0, e is JsonException ? "malformed message" : e is WebSocketException or OperationCanceledException ? "connection lost" : e.Message);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            foreach (var call in _pending.Values)
            {
                call.Result.TrySetException(new WebSocketException(WebSocketError.ConnectionClosedPrematurely, "the connection ended before the reply"));
            }
        }
    }

    private async Task HandleMessageAsync(ReadOnlyMemory<byte> message)
    {
        var documents = _format == WireFormat.Protobuf ? ProtobufTranscoder.ReadReplies(message) : ProtocolJson.Parse(message);
        foreach (var document in documents)
        {
            using (document)
            {
                var root = document.RootElement;
                if (root.TryGetProperty("id", out var idElement) && idElement.TryGetUInt32(out var id) && id != 0)
                {
                    await CompleteAsync(id, root).ConfigureAwait(false);
                }
                else if (root.TryGetProperty("push", out var push))
                {
                    await _onPush(push, _aborted.Token).ConfigureAwait(false);
                }
                else if (_answerPings)
                {
                    // An empty object is the server's ping.
                    await SendPongAsync().ConfigureAwait(false);
                }
            }
        }
    }

    private async Task CompleteAsync(uint id, JsonElement reply)
    {
        if (!_pending.TryGetValue(id, out var call))
        {
            return;
        }

        if (reply.TryGetProperty("error", out var error))
        {
            call.Result.TrySetException(new RealtimeException(
                error.TryGetProperty("code", out var code) ? code.GetInt32() : 0,
                ProtocolJson.GetString(error, "message"),
                ProtocolJson.GetBoolean(error, "temporary")));
            return;
        }

        var result = reply.TryGetProperty(call.Method, out var member) ? member.Clone() : default;
        if (call.Inline is not null)
        {
            await call.Inline(result, _aborted.Token).ConfigureAwait(false);
        }

        call.Result.TrySetResult(result);
    }

    private async Task WatchPingsAsync()
    {
        var allowed = _pingInterval + _maxServerPingDelay;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Clamp(allowed.TotalMilliseconds / 4, 100, 1000)));
        try
        {
            while (await timer.WaitForNextTickAsync(_aborted.Token).ConfigureAwait(false))
            {
                if (Environment.TickCount64 - Volatile.Read(ref _lastReceived) > allowed.TotalMilliseconds)
                {
                    Abort();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The connection ended.
        }
    }

    public async ValueTask DisposeAsync()
    {
        Abort();
        await Completion.ConfigureAwait(false);
        // The cancellation source and the send lock stay undisposed: a late timer or call still
        // holding this connection then fails with the connection's own error, not ObjectDisposedException.
        _socket.Dispose();
    }

    private sealed class PendingCall(string method, Func<JsonElement, CancellationToken, ValueTask>? inline)
    {
        public string Method { get; } = method;

        public Func<JsonElement, CancellationToken, ValueTask>? Inline { get; } = inline;

        public TaskCompletionSource<JsonElement> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
