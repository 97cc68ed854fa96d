using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Realtime.Client;

/// <summary>
/// A client of Realtime.Aspire (any server speaking Centrifugo's client protocol v2 in JSON):
/// one WebSocket connection, many <see cref="Subscription"/>s. It reconnects with exponential
/// backoff and full jitter until the server disconnects it for good (codes 3500–3999 and
/// 4500–4999), resubscribes and recovers each subscription, answers and watches the server's
/// pings, and keeps its connection and subscription tokens fresh.
/// </summary>
public sealed partial class RealtimeClient : IAsyncDisposable
{
    private readonly RealtimeClientOptions _options;
    private readonly ILogger _logger;
    private readonly Backoff _backoff;
    private readonly ConcurrentDictionary<string, Subscription> _subscriptions = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopped = new();
    private TaskCompletionSource _connected = NewSignal();
    private Connection? _connection;
    private Task? _run;
    private string? _token;
    private CancellationTokenSource? _refresh;

    /// <summary>A client that connects when <see cref="ConnectAsync"/> is called.</summary>
    public RealtimeClient(RealtimeClientOptions options, ILogger<RealtimeClient>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _logger = logger ?? NullLogger<RealtimeClient>.Instance;
        _backoff = new Backoff(options.MinReconnectDelay, options.MaxReconnectDelay);
        _token = options.Token;
    }

    /// <summary>The connection's state now.</summary>
    public ConnectionState State { get; private set; } = ConnectionState.Disconnected;

    /// <summary>The client id the server assigned at the last connect.</summary>
    public string? ClientId { get; private set; }

    /// <summary>The server node that accepted the last connect, when the server names it (Realtime.Aspire does).</summary>
    public string? Node { get; private set; }

    /// <summary>Raised on every change of <see cref="State"/> (from the client's own threads: do not block).</summary>
    public event Action<ConnectionStateChange>? StateChanged;

    /// <summary>Raised for a message the server sends this client (server-side <c>send</c>).</summary>
    public event Action<JsonElement>? MessageReceived;

    /// <summary>
    /// Starts connecting (and reconnecting whenever the connection is lost); completes once
    /// connected. Throws <see cref="TerminalDisconnectException"/> if the server refuses the client for good.
    /// </summary>
    public Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        Task connected;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopped.IsCancellationRequested, this);
            _run ??= Task.Run(() => RunAsync(_stopped.Token), CancellationToken.None);
            connected = _connected.Task;
        }

        return connected.WaitAsync(cancellationToken);
    }

    /// <summary>A subscription to <paramref name="channel"/> (not subscribed until <see cref="Subscription.SubscribeAsync"/>).</summary>
    public Subscription NewSubscription(string channel, SubscriptionOptions? options = null)
    {
        var subscription = new Subscription(this, channel, options ?? new SubscriptionOptions(), _options.SubscriptionBufferSize);
        if (!_subscriptions.TryAdd(channel, subscription))
        {
            throw new InvalidOperationException($"There is already a subscription to {channel}.");
        }

        return subscription;
    }

    /// <summary>The subscription to <paramref name="channel"/>, if one was created.</summary>
    public Subscription? GetSubscription(string channel) => _subscriptions.GetValueOrDefault(channel);

    /// <summary>Publishes <paramref name="data"/> (one JSON value) to a channel; completes when the server accepted it.</summary>
    public async Task PublishAsync(string channel, JsonElement data, CancellationToken cancellationToken = default)
    {
        var connection = await ConnectedAsync(cancellationToken).ConfigureAwait(false);
        await connection.CallAsync("publish", writer =>
        {
            writer.WriteString("channel", channel);
            writer.WritePropertyName("data");
            data.WriteTo(writer);
        }, _options.CommandTimeout).ConfigureAwait(false);
    }

    /// <summary>Calls the application backend's RPC <paramref name="method"/> through the server; returns its data.</summary>
    public async Task<JsonElement> RpcAsync(string method, JsonElement data, CancellationToken cancellationToken = default)
    {
        var connection = await ConnectedAsync(cancellationToken).ConfigureAwait(false);
        var reply = await connection.CallAsync("rpc", writer =>
        {
            writer.WriteString("method", method);
            writer.WritePropertyName("data");
            data.WriteTo(writer);
        }, _options.CommandTimeout).ConfigureAwait(false);
        return reply.TryGetProperty("data", out var result) ? result.Clone() : default;
    }

    /// <summary>Sends an asynchronous message to the application backend (no reply).</summary>
    public async Task SendAsync(JsonElement data, CancellationToken cancellationToken = default)
    {
        var connection = await ConnectedAsync(cancellationToken).ConfigureAwait(false);
        await connection.SendAsync("send", writer =>
        {
            writer.WritePropertyName("data");
            data.WriteTo(writer);
        }).ConfigureAwait(false);
    }

    /// <summary>Who is in the channel now, by client id.</summary>
    public async Task<IReadOnlyDictionary<string, ClientInfo>> PresenceAsync(string channel, CancellationToken cancellationToken = default)
    {
        var connection = await ConnectedAsync(cancellationToken).ConfigureAwait(false);
        var reply = await connection.CallAsync("presence", writer => writer.WriteString("channel", channel), _options.CommandTimeout).ConfigureAwait(false);
        var clients = new Dictionary<string, ClientInfo>(StringComparer.Ordinal);
        if (reply.TryGetProperty("presence", out var presence) && presence.ValueKind == JsonValueKind.Object)
        {
            foreach (var entry in presence.EnumerateObject())
            {
                var info = ProtocolJson.ReadInfo(presence, entry.Name);
                if (info is not null)
                {
                    clients[entry.Name] = info;
                }
            }
        }

        return clients;
    }

    /// <summary>How many clients and distinct users are in the channel.</summary>
    public async Task<(int Clients, int Users)> PresenceStatsAsync(string channel, CancellationToken cancellationToken = default)
    {
        var connection = await ConnectedAsync(cancellationToken).ConfigureAwait(false);
        var reply = await connection.CallAsync("presence_stats", writer => writer.WriteString("channel", channel), _options.CommandTimeout).ConfigureAwait(false);
        return ((int)ProtocolJson.GetUInt64(reply, "num_clients"), (int)ProtocolJson.GetUInt64(reply, "num_users"));
    }

    /// <summary>
    /// The channel's stored publications: the last <paramref name="limit"/> (0: only the current
    /// position), or those after <paramref name="since"/>, oldest first unless <paramref name="reverse"/>.
    /// </summary>
    public async Task<(IReadOnlyList<Publication> Publications, StreamPosition Position)> HistoryAsync(
        string channel, int limit, StreamPosition? since = null, bool reverse = false, CancellationToken cancellationToken = default)
    {
        var connection = await ConnectedAsync(cancellationToken).ConfigureAwait(false);
        var reply = await connection.CallAsync("history", writer =>
        {
            writer.WriteString("channel", channel);
            writer.WriteNumber("limit", limit);
            if (since is { } position)
            {
                writer.WriteStartObject("since");
                writer.WriteNumber("offset", position.Offset);
                writer.WriteString("epoch", position.Epoch);
                writer.WriteEndObject();
            }

            if (reverse)
            {
                writer.WriteBoolean("reverse", true);
            }
        }, _options.CommandTimeout).ConfigureAwait(false);
        var publications = new List<Publication>();
        if (reply.TryGetProperty("publications", out var items) && items.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in items.EnumerateArray())
            {
                publications.Add(ProtocolJson.ReadPublication(channel, item));
            }
        }

        return (publications, new StreamPosition(ProtocolJson.GetUInt64(reply, "offset"), ProtocolJson.GetString(reply, "epoch")));
    }

    /// <summary>Closes the connection and stops reconnecting; subscriptions' readers finish.</summary>
    public async ValueTask DisposeAsync()
    {
        Task? run;
        lock (_gate)
        {
            if (_stopped.IsCancellationRequested)
            {
                return;
            }

            _stopped.Cancel();
            run = _run;
        }

        if (_connection is { } connection)
        {
            await connection.CloseAsync().ConfigureAwait(false);
        }

        if (run is not null)
        {
            await run.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        CancelRefresh();
        foreach (var subscription in _subscriptions.Values)
        {
            subscription.Complete();
        }

        _connected.TrySetException(new ObjectDisposedException(nameof(RealtimeClient)));
    }

    /// <summary>Waits up to a reconnect's bound for the (re)connection, for the application's commands.</summary>
    private async Task<Connection> ConnectedAsync(CancellationToken cancellationToken)
    {
        Task connected;
        lock (_gate)
        {
            connected = _connected.Task;
        }

        await connected.WaitAsync(_options.CommandTimeout, cancellationToken).ConfigureAwait(false);
        return _connection ?? throw new WebSocketException(WebSocketError.ConnectionClosedPrematurely, "not connected");
    }

    /// <summary>Subscribes now if connected; otherwise the next connection will.</summary>
    internal void SubscribeWhenConnected(Subscription subscription)
    {
        if (_connection is { } connection && State == ConnectionState.Connected)
        {
            _ = SubscribeOnAsync(subscription, connection);
        }
    }

    internal async Task UnsubscribeAsync(string channel)
    {
        if (_connection is { } connection && State == ConnectionState.Connected)
        {
            try
            {
                await connection.CallAsync("unsubscribe", writer => writer.WriteString("channel", channel), _options.CommandTimeout).ConfigureAwait(false);
            }
            catch (Exception e) when (e is WebSocketException or TimeoutException or RealtimeException or OperationCanceledException)
            {
                // Without the connection there is no subscription to end.
            }
        }
    }

    private async Task SubscribeOnAsync(Subscription subscription, Connection connection)
    {
        try
        {
            await subscription.SubscribeOnAsync(connection, _options.CommandTimeout, _stopped.Token).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Fire and forget: nothing may escape unobserved.
        catch (Exception e)
#pragma warning restore CA1031
        {
            // The connection broke: it is re-established and the subscription resubscribes then.
            LogSubscribeFailed(_logger, subscription.Channel, e.Message);
        }
    }

    private async Task RunAsync(CancellationToken stop)
    {
        var attempt = 0;
        while (!stop.IsCancellationRequested)
        {
            SetState(ConnectionState.Connecting, 0, "", willReconnect: true);
            var outcome = await RunConnectionAsync(stop).ConfigureAwait(false);
            OnConnectionLost();
            if (stop.IsCancellationRequested)
            {
                break;
            }

            if (outcome.Connected)
            {
                attempt = 0;
            }

            if (outcome.Refused || IsTerminal(outcome.Code))
            {
                LogTerminal(_logger, outcome.Code, outcome.Reason);
                SetState(ConnectionState.Disconnected, outcome.Code, outcome.Reason, willReconnect: false);
                FailConnected(new TerminalDisconnectException(outcome.Code, outcome.Reason));
                return;
            }

            var delay = outcome.RetryAtOnce ? TimeSpan.Zero : _backoff.Delay(attempt++);
            LogReconnecting(_logger, outcome.Code, outcome.Reason, delay.TotalMilliseconds);
            SetState(ConnectionState.Connecting, outcome.Code, outcome.Reason, willReconnect: true);
            try
            {
                await Task.Delay(delay, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        SetState(ConnectionState.Disconnected, 0, "client closed", willReconnect: false);
    }

    /// <summary>One connection, from opening the socket to its end, and why it ended.</summary>
    private async Task<ConnectionOutcome> RunConnectionAsync(CancellationToken stop)
    {
        Connection connection;
        try
        {
            connection = await Connection.OpenAsync(_options.Endpoint, _options.Format, _options.CommandTimeout, _options.MaxServerPingDelay, OnPushAsync, stop).ConfigureAwait(false);
        }
        catch (Exception e) when (!stop.IsCancellationRequested && e is WebSocketException or OperationCanceledException or HttpRequestException)
        {
            return new ConnectionOutcome(0, e.Message);
        }

        await using (connection.ConfigureAwait(false))
        {
            try
            {
                await HandshakeAsync(connection, stop).ConfigureAwait(false);
            }
            catch (RealtimeException e) when (e.Code == RealtimeException.TokenExpired)
            {
                if (_options.GetToken is null)
                {
                    // A fixed token that expired cannot get better (and connecting without it would
                    // silently make the client anonymous).
                    return new ConnectionOutcome(e.Code, e.Message, Refused: true);
                }

                // The token ran out between fetching and connecting: fetch another and retry now.
                _token = null;
                return new ConnectionOutcome(0, e.Message, RetryAtOnce: true);
            }
            catch (RealtimeException e) when (!e.Temporary)
            {
                // The connect command itself was refused (no permission, …): as the official SDKs
                // do, stop with its code, since retrying will not change it.
                return new ConnectionOutcome(e.Code, e.Message, Refused: true);
            }
#pragma warning disable CA1031 // Anything else (a token callback that threw, a reply of an unexpected shape) is one failed attempt.
            catch (Exception e) when (!stop.IsCancellationRequested)
#pragma warning restore CA1031
            {
                // The server may have closed the connection instead of replying (an invalid token: 3500).
                try
                {
                    var (code, reason) = await connection.Completion.WaitAsync(TimeSpan.FromSeconds(1), stop).ConfigureAwait(false);
                    return new ConnectionOutcome(code, code == 0 ? e.Message : reason);
                }
                catch (TimeoutException)
                {
                    return new ConnectionOutcome(0, e.Message);
                }
            }

            var (closedCode, closedReason) = await connection.Completion.ConfigureAwait(false);
            return new ConnectionOutcome(closedCode, closedReason, Connected: true);
        }
    }

    private readonly record struct ConnectionOutcome(int Code, string Reason, bool Connected = false, bool Refused = false, bool RetryAtOnce = false);

    /// <summary>Connect command, then every wanted subscription resubscribes (recovering where it can).</summary>
    private async Task HandshakeAsync(Connection connection, CancellationToken stop)
    {
        var token = _token;
        if (token is null && _options.GetToken is not null)
        {
            token = _token = await _options.GetToken(stop).ConfigureAwait(false);
        }

        var reply = await connection.CallAsync("connect", writer =>
        {
            if (token is not null)
            {
                writer.WriteString("token", token);
            }

            writer.WriteString("name", _options.Name);
        }, _options.CommandTimeout).ConfigureAwait(false);
        connection.ExpectPings(TimeSpan.FromSeconds(ProtocolJson.GetUInt64(reply, "ping")), ProtocolJson.GetBoolean(reply, "pong"));
        ClientId = ProtocolJson.GetString(reply, "client");
        Node = ProtocolJson.GetString(reply, "node");
        _connection = connection;
        ScheduleRefresh(connection, reply);
        SetState(ConnectionState.Connected, 0, "", willReconnect: false);
        TaskCompletionSource connected;
        lock (_gate)
        {
            connected = _connected;
        }

        connected.TrySetResult();
        foreach (var subscription in _subscriptions.Values)
        {
            if (subscription.Wanted)
            {
                _ = SubscribeOnAsync(subscription, connection);
            }
        }
    }

    private void OnConnectionLost()
    {
        _connection = null;
        CancelRefresh();
        lock (_gate)
        {
            if (_connected.Task.IsCompleted)
            {
                _connected = NewSignal();
            }
        }

        foreach (var subscription in _subscriptions.Values)
        {
            subscription.OnDisconnected();
        }
    }

    private void FailConnected(Exception exception)
    {
        lock (_gate)
        {
            if (!_connected.TrySetException(exception))
            {
                _connected = NewSignal();
                _connected.TrySetException(exception);
            }
        }
    }

    private async ValueTask OnPushAsync(JsonElement push, CancellationToken aborted)
    {
        var channel = ProtocolJson.GetString(push, "channel");
        if (push.TryGetProperty("message", out var message))
        {
            var data = message.TryGetProperty("data", out var value) ? value.Clone() : default;
            InvokeSafely(() => MessageReceived?.Invoke(data));
            return;
        }

        if (!_subscriptions.TryGetValue(channel, out var subscription))
        {
            return;
        }

        if (push.TryGetProperty("pub", out var publication))
        {
            await subscription.DeliverAsync(publication, aborted).ConfigureAwait(false);
        }
        else if (push.TryGetProperty("join", out var join) && ProtocolJson.ReadInfo(join, "info") is { } joined)
        {
            await subscription.EnqueueAsync(new JoinEvent(channel, joined), aborted).ConfigureAwait(false);
        }
        else if (push.TryGetProperty("leave", out var leave) && ProtocolJson.ReadInfo(leave, "info") is { } left)
        {
            await subscription.EnqueueAsync(new LeaveEvent(channel, left), aborted).ConfigureAwait(false);
        }
        else if (push.TryGetProperty("unsubscribe", out var unsubscribe))
        {
            await subscription.OnServerUnsubscribeAsync((int)ProtocolJson.GetUInt64(unsubscribe, "code"), ProtocolJson.GetString(unsubscribe, "reason"), aborted).ConfigureAwait(false);
        }
    }

    /// <summary>A connection token that expires is replaced before it does (refresh).</summary>
    private void ScheduleRefresh(Connection connection, JsonElement reply)
    {
        if (_options.GetToken is null || !ProtocolJson.GetBoolean(reply, "expires") || !ReferenceEquals(connection, _connection))
        {
            return;
        }

        CancelRefresh();
        var refresh = new CancellationTokenSource();
        _refresh = refresh;
        _ = RefreshAsync(connection, RefreshDelay(TimeSpan.FromSeconds(ProtocolJson.GetUInt64(reply, "ttl"))), refresh.Token);
    }

    private async Task RefreshAsync(Connection connection, TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            var token = _token = await _options.GetToken!(cancellationToken).ConfigureAwait(false);
            var reply = await connection.CallAsync("refresh", writer => writer.WriteString("token", token), _options.CommandTimeout).ConfigureAwait(false);
            ScheduleRefresh(connection, reply);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or TimeoutException)
        {
            // The connection ended; the next connect fetches a token anyway.
        }
#pragma warning disable CA1031 // Refused, or the token callback threw: the server closes the connection once the old token's grace is over, and the reconnect asks again.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogRefreshRefused(_logger, e is RealtimeException refused ? refused.Code : 0, e.Message);
            _token = null;
        }
    }

    private void CancelRefresh()
    {
        var refresh = Interlocked.Exchange(ref _refresh, null);
        refresh?.Cancel();
        refresh?.Dispose();
    }

    private void SetState(ConnectionState state, int code, string reason, bool willReconnect)
    {
        var changed = State != state;
        State = state;
        if (changed || code != 0)
        {
            var change = new ConnectionStateChange(state, code, reason, willReconnect);
            InvokeSafely(() => StateChanged?.Invoke(change));
        }
    }

    /// <summary>An application's event handler that throws must not stop the client.</summary>
    private void InvokeSafely(Action handler)
    {
        try
        {
            handler();
        }
#pragma warning disable CA1031 // Application code: report it and carry on.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogHandlerFailed(_logger, e);
        }
    }

    /// <summary>Refresh a token when most of its lifetime is used, leaving time for a slow token endpoint.</summary>
    internal static TimeSpan RefreshDelay(TimeSpan ttl) =>
        TimeSpan.FromMilliseconds(Math.Max(500, ttl.TotalMilliseconds - Math.Min(ttl.TotalMilliseconds / 5, 10_000)));

    /// <summary>Codes 3500–3999 and 4500–4999: the server disconnected the client for good.</summary>
    public static bool IsTerminal(int code) => code is >= 3500 and < 4000 or >= 4500 and < 5000;

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connection lost ({Code} {Reason}); reconnecting in {DelayMs} ms")]
    private static partial void LogReconnecting(ILogger logger, int code, string reason, double delayMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Disconnected for good ({Code} {Reason}): not reconnecting")]
    private static partial void LogTerminal(ILogger logger, int code, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Subscribing to {Channel} failed: {Problem}")]
    private static partial void LogSubscribeFailed(ILogger logger, string channel, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "An event handler of the application threw")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Token refresh refused ({Code} {Problem})")]
    private static partial void LogRefreshRefused(ILogger logger, int code, string problem);
}
