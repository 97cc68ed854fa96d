using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Realtime.Testing;

/// <summary>
/// A raw WebSocket client for the JSON protocol: sends commands as written and exposes every
/// reply and push it receives, so tests see exactly what is on the wire.
/// </summary>
public sealed class ProtocolTestClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly Channel<JsonObject> _incoming = Channel.CreateUnbounded<JsonObject>();
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _sending = new(1, 1);
    private Task? _reader;
    private uint _nextId;

    /// <summary>Whether server pings are answered, as every SDK does; off to play a dead client.</summary>
    public bool AnswerPings { get; set; } = true;

    /// <summary>How many server pings arrived.</summary>
    public int PingsReceived => Volatile.Read(ref _pings);

    private int _pings;
    private readonly List<JsonObject> _log = [];
    private readonly List<JsonObject> _passedOver = [];

    /// <summary>How many received messages so far match (replies and pushes alike, consumed or not).</summary>
    public int Seen(Func<JsonObject, bool> match)
    {
        lock (_log)
        {
            return _log.Count(match);
        }
    }

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public string? CloseDescription => _socket.CloseStatusDescription;

    /// <summary>Completes when the server closed the connection.</summary>
    public Task Closed => _reader ?? Task.CompletedTask;

    public static async Task<ProtocolTestClient> ConnectSocketAsync(Uri endpoint, string? origin = null, bool startReading = true, int? receiveBufferBytes = null,
        System.Net.Security.RemoteCertificateValidationCallback? certificateValidation = null)
    {
        var client = new ProtocolTestClient();
        if (certificateValidation is not null)
        {
            client._socket.Options.RemoteCertificateValidationCallback = certificateValidation;
        }

        if (origin is not null)
        {
            client._socket.Options.SetRequestHeader("Origin", origin);
        }

        if (receiveBufferBytes is { } size)
        {
            // A tiny kernel receive buffer makes a client that stops reading push back at once.
            using var handler = new SocketsHttpHandler
            {
                ConnectCallback = async (context, cancellationToken) =>
                {
                    var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { ReceiveBufferSize = size };
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
                },
            };
            await client._socket.ConnectAsync(endpoint, new HttpMessageInvoker(handler, disposeHandler: false), CancellationToken.None);
        }
        else
        {
            await client._socket.ConnectAsync(endpoint, CancellationToken.None);
        }

        if (startReading)
        {
            client.StartReading();
        }

        return client;
    }

    /// <summary>Starts reading (for a client created with <c>startReading: false</c> to play a reader that never reads).</summary>
    public void StartReading() => _reader ??= ReadLoopAsync();

    /// <summary>Sends one command (<c>{"id":n,"method":{...}}</c>) and returns its reply.</summary>
    public async Task<JsonObject> CommandAsync(string method, object body, TimeSpan? timeout = null)
    {
        var id = ++_nextId;
        await SendRawAsync($"{{\"id\":{id},\"{method}\":{JsonSerializer.Serialize(body)}}}");
        return await NextAsync(m => m["id"]?.GetValue<uint>() == id, timeout ?? TimeSpan.FromSeconds(10), $"reply {id} to {method}");
    }

    public Task SendRawAsync(string frame) => SendRawAsync(Encoding.UTF8.GetBytes(frame));

    public async Task SendRawAsync(byte[] frame)
    {
        // One send at a time: the reader answers pings while tests send commands.
        await _sending.WaitAsync();
        try
        {
            await _socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        }
        finally
        {
            _sending.Release();
        }
    }

    /// <summary>
    /// The oldest received message matching <paramref name="match"/> that no earlier call took.
    /// Messages passed over stay for later calls: a publication may arrive before the reply to
    /// the publish that caused it, and waiting for the reply must not lose the publication.
    /// </summary>
    public async Task<JsonObject> NextAsync(Func<JsonObject, bool> match, TimeSpan timeout, string what)
    {
        lock (_passedOver)
        {
            var index = _passedOver.FindIndex(m => match(m));
            if (index >= 0)
            {
                var earlier = _passedOver[index];
                _passedOver.RemoveAt(index);
                return earlier;
            }
        }

        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var message = await _incoming.Reader.ReadAsync(cancel.Token);
                if (match(message))
                {
                    return message;
                }

                lock (_passedOver)
                {
                    _passedOver.Add(message);
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No {what} within {timeout}");
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException($"Connection closed ({CloseStatus} {CloseDescription}) before {what}");
        }
    }

    public Task<JsonObject> NextPublicationAsync(string channel, TimeSpan timeout) =>
        NextAsync(m => m["push"]?["channel"]?.GetValue<string>() == channel && m["push"]?["pub"] is not null, timeout, $"publication on {channel}");

    /// <summary>Waits for the server to close the connection; returns its close code.</summary>
    public async Task<int?> WaitClosedAsync(TimeSpan timeout)
    {
        await Closed.WaitAsync(timeout);
        return (int?)_socket.CloseStatus;
    }

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage)
                {
                    continue;
                }

                foreach (var line in Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length).Split('\n', StringSplitOptions.RemoveEmptyEntries))
                {
                    if (line == "{}")
                    {
                        // Server ping: answer as the SDKs do.
                        Interlocked.Increment(ref _pings);
                        if (AnswerPings)
                        {
                            await SendRawAsync("{}");
                        }

                        continue;
                    }

                    var parsed = JsonNode.Parse(line)!.AsObject();
                    lock (_log)
                    {
                        _log.Add(parsed);
                    }

                    _incoming.Writer.TryWrite(parsed);
                }

                message.SetLength(0);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
        }
        finally
        {
            _incoming.Writer.TryComplete();
        }
    }

    private int _disposed;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
            }
        }

        await _stop.CancelAsync();
        if (_reader is not null)
        {
            await _reader.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _socket.Dispose();
        _stop.Dispose();
        _sending.Dispose();
    }
}
