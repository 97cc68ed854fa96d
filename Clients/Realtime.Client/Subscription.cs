using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;

namespace Realtime.Client;

/// <summary>
/// A subscription to one channel. Its events — publications, joins and leaves, (re)subscribed
/// and unsubscribed — are delivered strictly in stream order and, on channels that keep
/// positions, exactly once: after a reconnect the client resubscribes from the last publication
/// delivered, and the server's recovery fills the gap; anything already delivered is skipped.
/// Read them either with <see cref="Events"/> / <see cref="Publications"/> or with <see cref="On"/>
/// (one reader per subscription).
/// </summary>
/// <remarks>
/// A slow reader is bounded: at most <see cref="RealtimeClientOptions.SubscriptionBufferSize"/>
/// events wait for it. Beyond that the connection stops reading, the server's queue for the
/// client grows, and the server eventually disconnects it as slow (3008); the client then
/// reconnects and recovers from the last publication the reader was given. Nothing is lost or
/// duplicated on a positioned channel; on a channel without positions, what was published
/// while the client was away is missed.
/// </remarks>
public sealed class Subscription
{
    private readonly RealtimeClient _client;
    private readonly SubscriptionOptions _options;
    private readonly Channel<SubscriptionEvent> _events;
    private readonly Lock _gate = new();
    private TaskCompletionSource _subscribed = NewSignal();
    private bool _wanted;
    private bool _positioned;
    private ulong _offset;
    private string? _epoch;
    private Task? _pump;
    private CancellationTokenSource? _refresh;
    // The connection a subscribe is running or done on: one subscribe per connection.
    private Connection? _subscribedOn;

    internal Subscription(RealtimeClient client, string channel, SubscriptionOptions options, int bufferSize)
    {
        _client = client;
        _options = options;
        Channel = channel;
        _events = System.Threading.Channels.Channel.CreateBounded<SubscriptionEvent>(new BoundedChannelOptions(bufferSize)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        if (options.Since is { } since)
        {
            (_positioned, _offset, _epoch) = (true, since.Offset, since.Epoch);
        }
    }

    /// <summary>The channel.</summary>
    public string Channel { get; }

    /// <summary>The subscription's state now.</summary>
    public SubscriptionState State { get; private set; } = SubscriptionState.Unsubscribed;

    /// <summary>The position of the last publication delivered (on channels that keep positions).</summary>
    public StreamPosition? Position
    {
        get
        {
            lock (_gate)
            {
                return _positioned && _epoch is not null ? new StreamPosition(_offset, _epoch) : null;
            }
        }
    }

    /// <summary>Subscribes (and keeps the subscription across reconnects); completes once the server confirmed it.</summary>
    public async Task SubscribeAsync(CancellationToken cancellationToken = default)
    {
        Task subscribed;
        bool already;
        lock (_gate)
        {
            already = _wanted;
            _wanted = true;
            subscribed = _subscribed.Task;
        }

        if (!already)
        {
            _client.SubscribeWhenConnected(this);
        }

        await subscribed.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Unsubscribes; the reader gets an <see cref="UnsubscribedEvent"/> with code 0.</summary>
    public async Task UnsubscribeAsync()
    {
        lock (_gate)
        {
            if (!_wanted)
            {
                return;
            }

            _wanted = false;
            _subscribed = NewSignal();
            _subscribedOn = null;
        }

        State = SubscriptionState.Unsubscribed;
        CancelRefresh();
        await _client.UnsubscribeAsync(Channel).ConfigureAwait(false);
        // Never waits: a reader that is this far behind learns it from the state.
        _events.Writer.TryWrite(new UnsubscribedEvent(Channel, 0, "unsubscribe called"));
    }

    /// <summary>Every event of the subscription, in order.</summary>
    public IAsyncEnumerable<SubscriptionEvent> Events(CancellationToken cancellationToken = default) =>
        _events.Reader.ReadAllAsync(cancellationToken);

    /// <summary>The publications only, in order (other events are passed over).</summary>
    public async IAsyncEnumerable<Publication> Publications([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var item in Events(cancellationToken).ConfigureAwait(false))
        {
            if (item is PublicationEvent publication)
            {
                yield return publication.Publication;
            }
        }
    }

    /// <summary>
    /// Calls <paramref name="handler"/> for each event, one at a time, in order (instead of reading
    /// <see cref="Events"/>). An exception from the handler is reported to <paramref name="onError"/> and
    /// the next event follows.
    /// </summary>
    public void On(Func<SubscriptionEvent, ValueTask> handler, Action<Exception>? onError = null)
    {
        lock (_gate)
        {
            if (_pump is not null)
            {
                throw new InvalidOperationException("This subscription already has a handler.");
            }

            _pump = PumpAsync(handler, onError);
        }
    }

    private async Task PumpAsync(Func<SubscriptionEvent, ValueTask> handler, Action<Exception>? onError)
    {
        await foreach (var item in _events.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                await handler(item).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // An application's handler may throw anything; the subscription goes on.
            catch (Exception e)
#pragma warning restore CA1031
            {
                onError?.Invoke(e);
            }
        }
    }

    internal bool Wanted
    {
        get
        {
            lock (_gate)
            {
                return _wanted;
            }
        }
    }

    /// <summary>Subscribes on a (new) connection, recovering from the last position when there is one.</summary>
    internal async Task SubscribeOnAsync(Connection connection, TimeSpan timeout, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_wanted || ReferenceEquals(_subscribedOn, connection))
            {
                return;
            }

            _subscribedOn = connection;
        }

        State = SubscriptionState.Subscribing;
        var tokenExpiredRetried = false;
        for (var attempt = 0; ; attempt++)
        {
            string? token;
            try
            {
                token = _options.GetToken is null ? null : await _options.GetToken(Channel, cancellationToken).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // The application's token callback may throw anything: the subscription fails with it.
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
            {
                Fail(e);
                return;
            }

            bool recover;
            ulong offset;
            string? epoch;
            lock (_gate)
            {
                (recover, offset, epoch) = (_positioned && _epoch is not null, _offset, _epoch);
            }

            try
            {
                var reply = await connection.CallAsync("subscribe", writer =>
                {
                    writer.WriteString("channel", Channel);
                    if (token is not null)
                    {
                        writer.WriteString("token", token);
                    }

                    if (recover)
                    {
                        writer.WriteBoolean("recover", true);
                        writer.WriteNumber("offset", offset);
                        writer.WriteString("epoch", epoch);
                    }

                    if (_options.JoinLeave)
                    {
                        writer.WriteBoolean("join_leave", true);
                    }
                }, timeout, (result, aborted) => OnSubscribedAsync(connection, result, recover, aborted)).ConfigureAwait(false);
                ScheduleRefresh(connection, reply, timeout);
                return;
            }
            catch (RealtimeException e) when (e.Code == RealtimeException.TokenExpired && !tokenExpiredRetried && _options.GetToken is not null)
            {
                // Ask for a new token once.
                tokenExpiredRetried = true;
            }
            catch (RealtimeException e) when (e.Temporary && attempt < TemporaryRetries)
            {
                // The server asks to try again (internal error, too many requests): back off a little.
                await Task.Delay(TimeSpan.FromMilliseconds(200 << attempt), cancellationToken).ConfigureAwait(false);
            }
            catch (RealtimeException e)
            {
                // Refused (permission denied, unknown channel …) or still failing: resubscribing cannot help now.
                Fail(e);
                return;
            }
        }
    }

    private const int TemporaryRetries = 4;

    /// <summary>Runs in the read loop: the subscribed event and the recovered publications precede every later push.</summary>
    private async ValueTask OnSubscribedAsync(Connection connection, JsonElement result, bool wasRecovering, CancellationToken aborted)
    {
        lock (_gate)
        {
            if (!_wanted || !ReferenceEquals(_subscribedOn, connection))
            {
                // Unsubscribed while the subscribe was in flight: the unsubscribe command follows it.
                return;
            }
        }

        var recovered = ProtocolJson.GetBoolean(result, "recovered");
        var epoch = ProtocolJson.GetString(result, "epoch");
        var positioned = ProtocolJson.GetBoolean(result, "positioned") || ProtocolJson.GetBoolean(result, "recoverable");
        var top = ProtocolJson.GetUInt64(result, "offset");
        lock (_gate)
        {
            _positioned = positioned;
            if (!(wasRecovering && recovered))
            {
                // A fresh subscription, or a gap that could not be filled: continue from the top.
                (_offset, _epoch) = (top, epoch);
            }
            else
            {
                _epoch = epoch;
            }
        }

        State = SubscriptionState.Subscribed;
        await _events.Writer.WriteAsync(new SubscribedEvent(Channel, wasRecovering, recovered, Position), aborted).ConfigureAwait(false);
        if (result.TryGetProperty("publications", out var publications) && publications.ValueKind == JsonValueKind.Array)
        {
            foreach (var publication in publications.EnumerateArray())
            {
                await DeliverAsync(publication, aborted).ConfigureAwait(false);
            }
        }

        TaskCompletionSource subscribed;
        lock (_gate)
        {
            subscribed = _subscribed;
        }

        subscribed.TrySetResult();
    }

    /// <summary>
    /// A publication from the server: skipped when already delivered, else passed to the reader,
    /// waiting for room until the connection ends. The position moves only once the reader has
    /// it, so a publication the connection dropped while waiting is recovered, not lost.
    /// </summary>
    internal async ValueTask DeliverAsync(JsonElement publication, CancellationToken aborted)
    {
        var offset = ProtocolJson.GetUInt64(publication, "offset");
        bool positioned;
        lock (_gate)
        {
            positioned = _positioned && offset != 0;
            if (positioned && offset <= _offset)
            {
                return;
            }
        }

        await _events.Writer.WriteAsync(new PublicationEvent(ProtocolJson.ReadPublication(Channel, publication)), aborted).ConfigureAwait(false);
        if (positioned)
        {
            lock (_gate)
            {
                _offset = offset;
            }
        }
    }

    internal ValueTask EnqueueAsync(SubscriptionEvent item, CancellationToken aborted) => _events.Writer.WriteAsync(item, aborted);

    /// <summary>The client is gone: readers finish once they have what was delivered.</summary>
    internal void Complete() => _events.Writer.TryComplete();

    /// <summary>The server ended the subscription: codes from 2500 ask the client to subscribe again.</summary>
    internal async ValueTask OnServerUnsubscribeAsync(int code, string reason, CancellationToken aborted)
    {
        if (code >= 2500)
        {
            lock (_gate)
            {
                _subscribedOn = null;
            }

            State = SubscriptionState.Subscribing;
            _client.SubscribeWhenConnected(this);
            return;
        }

        lock (_gate)
        {
            _wanted = false;
            _subscribed = NewSignal();
            _subscribedOn = null;
        }

        State = SubscriptionState.Unsubscribed;
        CancelRefresh();
        await _events.Writer.WriteAsync(new UnsubscribedEvent(Channel, code, reason), aborted).ConfigureAwait(false);
    }

    /// <summary>The connection went away: the subscription waits for the next one.</summary>
    internal void OnDisconnected()
    {
        lock (_gate)
        {
            _subscribedOn = null;
        }

        CancelRefresh();
        if (Wanted)
        {
            State = SubscriptionState.Subscribing;
        }
    }

    private void Fail(Exception exception)
    {
        TaskCompletionSource subscribed;
        lock (_gate)
        {
            _wanted = false;
            subscribed = _subscribed;
            _subscribed = NewSignal();
            _subscribedOn = null;
        }

        State = SubscriptionState.Unsubscribed;
        subscribed.TrySetException(exception);
    }

    /// <summary>A subscription token that expires is replaced before it does (sub_refresh).</summary>
    private void ScheduleRefresh(Connection connection, JsonElement reply, TimeSpan timeout)
    {
        if (_options.GetToken is null || !ProtocolJson.GetBoolean(reply, "expires"))
        {
            return;
        }

        lock (_gate)
        {
            if (!ReferenceEquals(_subscribedOn, connection))
            {
                // A late refresh of a connection that has since been replaced.
                return;
            }
        }

        var ttl = TimeSpan.FromSeconds(ProtocolJson.GetUInt64(reply, "ttl"));
        CancelRefresh();
        var refresh = new CancellationTokenSource();
        _refresh = refresh;
        _ = RefreshAsync(connection, RealtimeClient.RefreshDelay(ttl), timeout, refresh.Token);
    }

    private async Task RefreshAsync(Connection connection, TimeSpan delay, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            var token = await _options.GetToken!(Channel, cancellationToken).ConfigureAwait(false);
            var reply = await connection.CallAsync("sub_refresh", writer =>
            {
                writer.WriteString("channel", Channel);
                writer.WriteString("token", token);
            }, timeout).ConfigureAwait(false);
            ScheduleRefresh(connection, reply, timeout);
        }
        catch (Exception e) when (e is OperationCanceledException or System.Net.WebSockets.WebSocketException or TimeoutException)
        {
            // The connection ended; the next one subscribes with a fresh token.
        }
#pragma warning disable CA1031 // Refused, or the token callback failed: the server unsubscribes the client when the token runs out, and a resubscribe asks again.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private void CancelRefresh()
    {
        var refresh = Interlocked.Exchange(ref _refresh, null);
        refresh?.Cancel();
        refresh?.Dispose();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
