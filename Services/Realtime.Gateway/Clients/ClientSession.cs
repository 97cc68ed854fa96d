using System.Diagnostics;
using System.Net.WebSockets;
using Realtime.Gateway.Transport;
using Realtime.Gateway.Hub;
using Realtime.Gateway.Telemetry;
using Realtime.Protocol;
using Realtime.Protocol.Codes;
using Realtime.Protocol.Commands;

namespace Realtime.Gateway.Clients;

/// <summary>
/// One client connection: reads its frames, runs its commands one after another (so a
/// client's publications keep their order), and owns its subscriptions. Replies and pushes go
/// out through its <see cref="ClientOutbox"/>.
/// </summary>
internal sealed partial class ClientSession : ISubscriber, IDisposable
{
    private readonly ClientTransport _transport;
    private readonly GatewayNode _node;
    private readonly ClientOutbox _outbox;
    private readonly SessionSubscriptions _subscriptions = new();
    private readonly CancellationTokenSource _closed = new();
    private readonly List<Command> _commands = [];
    private readonly Lock _disconnectGate = new();
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(2);
    private Disconnect? _disconnect;

    private readonly Dictionary<string, string>? _proxyHeaders;
    private readonly CommandRateLimiter _rateLimiter;

    // The connection's span, which every command's own trace links to (allocated once per connection).
    private readonly ActivityContext _connectionSpan;
    private readonly ActivityLink[]? _connectionLink;

    public ClientSession(ClientTransport transport, GatewayNode node, Dictionary<string, string>? proxyHeaders = null)
    {
        _transport = transport;
        _node = node;
        _proxyHeaders = proxyHeaders;
        _rateLimiter = new CommandRateLimiter(node.Options.CommandRateLimit, node.Options.CommandBurst);
        _outbox = new ClientOutbox(transport, node.Options, Close);
        _connectionSpan = GatewayTelemetry.StartConnection(transport.Emulated ? "emulated" : "websocket");
        _connectionLink = _connectionSpan == default ? null : [new ActivityLink(_connectionSpan)];
        if (transport.Emulated)
        {
            SessionId = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        }
    }

    /// <summary>The encoding this client chose when it connected (JSON text or Protobuf binary messages).</summary>
    public ProtocolFormat Format => _transport.Format;

    /// <summary>
    /// For emulated transports: the secret that emulation requests name this session by (sent
    /// only in the connect reply; unlike the client id, presence never shows it).
    /// </summary>
    public string? SessionId { get; }

    /// <summary>The transport, for emulation requests to hand commands to.</summary>
    internal ClientTransport Transport => _transport;

    /// <summary>The client id, assigned at connect.</summary>
    public string ClientId { get; } = Guid.NewGuid().ToString();

    public ClientIdentity? Identity { get; private set; }

    /// <summary>Long-lived sessions are registered with the node for heartbeats and drain.</summary>
    internal HeartbeatState Heartbeat { get; } = new();

    /// <summary>
    /// Runs the connection until it ends: the transport reads until the client goes away or,
    /// once the session closed, until the connection is aborted.
    /// </summary>
    public async Task RunAsync()
    {
        _node.Sessions.Add(this);
        try
        {
            await _transport.ReceiveAsync(this);
        }
        catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException)
        {
            // The peer vanished, or the connection was cut off; nothing to tell it.
        }
        finally
        {
            _node.Sessions.Remove(this, Identity?.User);
            CleanUp();
            if (_disconnect is null)
            {
                GatewayMetrics.RecordDisconnect(Disconnect.ConnectionClosed.Code);
            }
            await FinishCloseAsync();
        }
    }

    /// <summary>Closes the connection with a code; queued frames are written first unless the client is slow.</summary>
    public void Close(Disconnect disconnect)
    {
        lock (_disconnectGate)
        {
            if (_disconnect is not null)
            {
                return;
            }

            _disconnect = disconnect;
        }

        LogDisconnect(_node.Logger, ClientId, disconnect.Code, disconnect.Reason);
        GatewayMetrics.RecordDisconnect(disconnect.Code);
        // A slow client's backlog is dropped; anyone else gets what was already queued first.
        var slow = disconnect.Code == Disconnect.Slow.Code || disconnect.Code == Disconnect.WriteError.Code;
        _outbox.Close(disconnect, discardQueued: slow);
        // A closing client gets no more pushes and is no longer present, whatever its socket is doing.
        CleanUp();
        _ = EndReadingAfterCloseHandshakeAsync();
    }

    /// <summary>
    /// After our close frame is out, the read loop keeps reading (and discarding) until the
    /// client's close frame arrives, so the connection ends with a clean handshake: closing a
    /// socket with unread input makes the kernel reset it, which can destroy the close frame
    /// (and its code) before the client reads it. A client that never answers is cut off.
    /// </summary>
    private async Task EndReadingAfterCloseHandshakeAsync()
    {
        await _outbox.Completion;
        await Task.Delay(CloseHandshakeTimeout);
        CancelQuietly(_closed);
        _transport.Abort();
    }

    /// <summary>
    /// Called each second by the heartbeat timer: ends what expired and was not refreshed within
    /// the grace period after its expiry.
    /// </summary>
    public void CheckExpiry(DateTimeOffset now)
    {
        if (Identity?.ExpiresAt is { } expiresAt && expiresAt + _node.Options.ExpiredCloseDelay <= now)
        {
            Close(Disconnect.Expired);
            return;
        }

        foreach (var subscription in _subscriptions.Snapshot())
        {
            if (subscription.ExpiresAt is { } subscriptionExpiry && subscriptionExpiry + _node.Options.ExpiredSubCloseDelay <= now)
            {
                ServerUnsubscribe(subscription.Channel, Protocol.Codes.Unsubscribe.Expired);
            }
        }
    }

    /// <summary>Called each second by the heartbeat timer: a client that stopped reading long ago is cut off.</summary>
    public void AbortIfWriteStalled(long now) => _outbox.AbortIfStalled(now);

    private static void CancelQuietly(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The session already finished.
        }
    }

    public void Push(ReadOnlyMemory<byte> frame)
    {
        if (!_outbox.TryEnqueue(frame))
        {
            Close(Disconnect.Slow);
        }
    }

    /// <summary>Whether the session is closing (input is then only read to its end).</summary>
    public bool Closing => _disconnect is not null;

    /// <summary>The largest incoming message accepted.</summary>
    public int MaxFrameSize => _node.Options.MaxFrameSize;

    /// <summary>Runs one incoming message's commands in order; false once the connection is closing.</summary>
    public async Task<bool> HandleMessageAsync(ReadOnlyMemory<byte> frame)
    {
        _commands.Clear();
        try
        {
            ProtocolFrames.DecodeCommands(Format, frame, _commands);
        }
        catch (MalformedCommandException e)
        {
            LogMalformed(_node.Logger, ClientId, e.Message);
            Close(Disconnect.BadRequest);
            return false;
        }

        foreach (var command in _commands)
        {
            if (_disconnect is not null)
            {
                return false;
            }

            if (command.Request is not PongRequest && _rateLimiter.Enabled)
            {
                var verdict = _rateLimiter.Take();
                if (verdict == RateVerdict.Flooding)
                {
                    Close(Disconnect.TooManyRequests);
                    return false;
                }

                if (verdict == RateVerdict.Refused)
                {
                    if (command.Id != 0)
                    {
                        ReplyError(command.Id, ProtocolError.TooManyRequests);
                    }

                    continue;
                }
            }

            var started = Stopwatch.GetTimestamp();
            if (command.Request is PongRequest or PingRequest)
            {
                // Heartbeats are no one's trace.
                await HandleCommandAsync(command);
            }
            else
            {
                using var activity = GatewayTelemetry.StartCommand(command.Request.Method, _connectionSpan, _connectionLink);
                activity?.SetTag("realtime.client", ClientId);
                await HandleCommandAsync(command);
            }

            GatewayMetrics.RecordCommand(command.Request.Method, Stopwatch.GetElapsedTime(started).TotalSeconds);
        }

        return _disconnect is null;
    }

    private Task HandleCommandAsync(Command command)
    {
        if (Identity is null && command.Request is not (ConnectRequest or PongRequest))
        {
            Close(Disconnect.BadRequest);
            return Task.CompletedTask;
        }

        switch (command.Request)
        {
            case PongRequest:
                Heartbeat.MarkPong();
                return Task.CompletedTask;
            case PingRequest:
                Push(ProtocolFrames.Empty(Format, command.Id, CommandMethod.Ping));
                return Task.CompletedTask;
            case ConnectRequest connect:
                return HandleConnectAsync(command.Id, connect);
            case SubscribeRequest subscribe:
                return HandleSubscribeAsync(command.Id, subscribe);
            case UnsubscribeRequest unsubscribe:
                return HandleUnsubscribeAsync(command.Id, unsubscribe);
            case PublishRequest publish:
                return HandlePublishAsync(command.Id, publish);
            case PresenceRequest presence:
                return HandlePresenceAsync(command.Id, presence.Channel, statsOnly: false);
            case PresenceStatsRequest stats:
                return HandlePresenceAsync(command.Id, stats.Channel, statsOnly: true);
            case HistoryRequest history:
                return HandleHistoryAsync(command.Id, history);
            case RefreshRequest refresh:
                return HandleRefreshAsync(command.Id, refresh);
            case SubRefreshRequest subRefresh:
                return HandleSubRefreshAsync(command.Id, subRefresh);
            case RpcRequest rpc:
                return HandleRpcAsync(command.Id, rpc);
            case SendRequest send:
                return HandleSendAsync(send);
            case UnknownMethodRequest:
                ReplyError(command.Id, ProtocolError.MethodNotFound);
                return Task.CompletedTask;
            default:
                ReplyError(command.Id, ProtocolError.NotAvailable);
                return Task.CompletedTask;
        }
    }

    private void ReplyError(uint id, ProtocolError error)
    {
        GatewayMetrics.RecordError(error.Code);
        Push(ProtocolFrames.Error(Format, id, error));
    }

    private void CleanUp()
    {
        foreach (var subscription in _subscriptions.Snapshot())
        {
            Unsubscribe(subscription.Channel);
        }
    }

    private async Task FinishCloseAsync()
    {
        if (_transport.ClosedByClient)
        {
            // The client closed: answer its close frame through the outbox so writes never overlap.
            lock (_disconnectGate)
            {
                _disconnect ??= Disconnect.ConnectionClosed;
            }

            _outbox.Close(new Disconnect((ushort)WebSocketCloseStatus.NormalClosure, ""), discardQueued: true);
        }

        await _outbox.Completion.WaitAsync(_node.Options.WriteTimeout).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _transport.AbortUnlessClosed();
    }

    public void Dispose() => _closed.Dispose();

    [LoggerMessage(Level = LogLevel.Debug, Message = "Disconnecting client {Client}: {Code} {Reason}")]
    private static partial void LogDisconnect(ILogger logger, string client, ushort code, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Client {Client} sent a malformed frame: {Problem}")]
    private static partial void LogMalformed(ILogger logger, string client, string problem);
}
