namespace Realtime.Client.Tests;

/// <summary>The client against a scripted server: ordering, deduplication, recovery positions, heartbeats, close codes.</summary>
public sealed class ClientProtocolTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly ScriptedServer _server = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private RealtimeClient NewClient(TimeSpan? maxServerPingDelay = null) => new(new RealtimeClientOptions
    {
        Endpoint = _server.Endpoint,
        MinReconnectDelay = TimeSpan.FromMilliseconds(20),
        MaxReconnectDelay = TimeSpan.FromMilliseconds(100),
        MaxServerPingDelay = maxServerPingDelay ?? TimeSpan.FromSeconds(10),
    });

    /// <summary>Connects the client to the scripted server and answers its connect.</summary>
    private async Task<ScriptedConnection> ConnectAsync(RealtimeClient client, int ping = 25)
    {
        var connecting = client.ConnectAsync();
        var connection = await AcceptConnectAsync(ping);
        await connecting.WaitAsync(Timeout);
        return connection;
    }

    /// <summary>Subscribes and answers the subscribe with a positioned result at offset 0.</summary>
    private static async Task SubscribePositionedAsync(ScriptedConnection connection, Subscription subscription)
    {
        var subscribing = subscription.SubscribeAsync();
        var (id, _) = await connection.ExpectAsync("subscribe", Timeout);
        await connection.SendAsync(Fill("""{"id":@0,"subscribe":{"positioned":true,"epoch":"e","offset":0}}""", id));
        await subscribing.WaitAsync(Timeout);
    }

    /// <summary>Pushes publications with these offsets on the channel, one message each.</summary>
    private static async Task PushPublicationsAsync(ScriptedConnection connection, string channel, int count)
    {
        for (var offset = 1; offset <= count; offset++)
        {
            await connection.SendAsync(Fill("""{"push":{"channel":"@0","pub":{"data":{},"offset":@1}}}""", channel, offset));
        }
    }

    private async Task<ScriptedConnection> AcceptConnectAsync(int ping = 25)
    {
        var connection = await _server.NextConnectionAsync(Timeout);
        var (id, _) = await connection.ExpectAsync("connect", Timeout);
        await connection.SendAsync(Fill("""{"id":@0,"connect":{"client":"c-1","version":"test","ping":@1,"pong":true,"node":"n-1"}}""", id, ping));
        return connection;
    }

    /// <summary>
    /// The subscribe reply's recovered publications, a live push and a duplicate in the same
    /// message: the reader gets subscribed, 2, 3, 4 — each once, in order.
    /// </summary>
    [Fact]
    public async Task Recovered_publications_precede_live_ones_that_share_their_message_and_duplicates_are_dropped()
    {
        await using var client = NewClient();
        var subscription = client.NewSubscription("chat:a", new SubscriptionOptions { Since = new StreamPosition(1, "e") });
        var connection = await ConnectAsync(client);
        var subscribing = subscription.SubscribeAsync();
        var (id, body) = await connection.ExpectAsync("subscribe", Timeout);
        Assert.Equal((true, 1UL, "e"), (body["recover"]!.GetValue<bool>(), body["offset"]!.GetValue<ulong>(), body["epoch"]!.GetValue<string>()));

        await connection.SendAsync(
            Fill("""{"id":@0,"subscribe":{"recoverable":true,"positioned":true,"epoch":"e","offset":3,"recovered":true,"was_recovering":true,"publications":[{"data":{"n":2},"offset":2},{"data":{"n":3},"offset":3}]}}""", id),
            """{"push":{"channel":"chat:a","pub":{"data":{"n":3},"offset":3}}}""",
            """{"push":{"channel":"chat:a","pub":{"data":{"n":4},"offset":4}}}""");
        await subscribing.WaitAsync(Timeout);

        var events = await TakeAsync(subscription, 4);
        var subscribed = Assert.IsType<SubscribedEvent>(events[0]);
        Assert.True(subscribed is { WasRecovering: true, Recovered: true });
        Assert.Equal([2UL, 3UL, 4UL], events.Skip(1).Select(e => Assert.IsType<PublicationEvent>(e).Publication.Offset));
        Assert.Equal(new StreamPosition(4, "e"), subscription.Position);
    }

    /// <summary>After the server closes with a reconnect code, the client resubscribes from the last publication it delivered.</summary>
    [Fact]
    public async Task A_reconnect_resubscribes_from_the_last_delivered_position()
    {
        await using var client = NewClient();
        var subscription = client.NewSubscription("chat:b");
        var first = await ConnectAsync(client);
        var subscribing = subscription.SubscribeAsync();
        var (id, body) = await first.ExpectAsync("subscribe", Timeout);
        Assert.Null(body["recover"]);
        await first.SendAsync(
            Fill("""{"id":@0,"subscribe":{"recoverable":true,"positioned":true,"epoch":"x","offset":5}}""", id),
            """{"push":{"channel":"chat:b","pub":{"data":{},"offset":6}}}""");
        await subscribing.WaitAsync(Timeout);
        await TakeAsync(subscription, 2);

        await first.CloseAsync(3001, "shutdown");
        var second = await AcceptConnectAsync();
        var (_, again) = await second.ExpectAsync("subscribe", Timeout);

        Assert.Equal((true, 6UL, "x"), (again["recover"]!.GetValue<bool>(), again["offset"]!.GetValue<ulong>(), again["epoch"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Pings_are_answered_and_a_silent_server_is_a_dead_link()
    {
        await using var client = NewClient(maxServerPingDelay: TimeSpan.FromMilliseconds(300));
        var first = await ConnectAsync(client, ping: 1);

        await first.SendAsync("{}");
        Assert.Empty(await first.ReceiveAsync(Timeout));

        // No more pings: after 1 s + 0.3 s the client gives up on this connection and opens another.
        var second = await _server.NextConnectionAsync(Timeout);
        await second.ExpectAsync("connect", Timeout);
    }

    [Fact]
    public async Task A_terminal_close_code_stops_reconnecting()
    {
        await using var client = NewClient();
        var changes = new List<ConnectionStateChange>();
        client.StateChanged += change => { lock (changes) { changes.Add(change); } };
        var connection = await ConnectAsync(client);

        await connection.CloseAsync(3501, "bad request");
        await Realtime.Testing.Eventually.TrueAsync(() => Task.FromResult(client.State == ConnectionState.Disconnected), Timeout, "the client to stop");

        await Assert.ThrowsAsync<TimeoutException>(() => _server.NextConnectionAsync(TimeSpan.FromMilliseconds(500)));
        lock (changes)
        {
            Assert.Contains(changes, c => c is { State: ConnectionState.Disconnected, Code: 3501, WillReconnect: false });
        }

        var error = await Assert.ThrowsAsync<TerminalDisconnectException>(() => client.ConnectAsync());
        Assert.Equal(3501, error.Code);
    }

    /// <summary>A subscription whose reader does not read holds at most its buffer; the connection then stops reading instead of growing memory.</summary>
    [Fact]
    public async Task A_reader_that_falls_behind_stalls_the_connection_at_the_buffer_bound()
    {
        await using var client = new RealtimeClient(new RealtimeClientOptions { Endpoint = _server.Endpoint, SubscriptionBufferSize = 4 });
        var subscription = client.NewSubscription("chat:c");
        var connection = await ConnectAsync(client);
        await SubscribePositionedAsync(connection, subscription);
        await PushPublicationsAsync(connection, "chat:c", 10);

        // The reply to a command sent now waits behind the stalled publications.
        var presence = client.PresenceStatsAsync("chat:c");
        var (statsId, _) = await connection.ExpectAsync("presence_stats", Timeout);
        await connection.SendAsync(Fill("""{"id":@0,"presence_stats":{"num_clients":1,"num_users":1}}""", statsId));
        // The buffer (4) holds the subscribed event and publications 1–3; the reply is behind publication 10.
        await Realtime.Testing.Eventually.TrueAsync(() => Task.FromResult(subscription.Position?.Offset == 3), Timeout, "the buffer to fill");
        Assert.False(presence.IsCompleted, "the connection kept reading past a full subscription buffer");

        var events = await TakeAsync(subscription, 11);
        Assert.Equal(Enumerable.Range(1, 10).Select(o => (ulong)o), events.OfType<PublicationEvent>().Select(e => e.Publication.Offset));
        Assert.Equal((1, 1), await presence.WaitAsync(Timeout));
    }

    /// <summary>Disposing a client whose reader stopped reading returns, and the reader gets what was delivered, then the end.</summary>
    [Fact]
    public async Task Disposing_while_a_reader_is_behind_returns_and_ends_the_reader()
    {
        var client = new RealtimeClient(new RealtimeClientOptions { Endpoint = _server.Endpoint, SubscriptionBufferSize = 2 });
        var subscription = client.NewSubscription("chat:d");
        var connection = await ConnectAsync(client);
        await SubscribePositionedAsync(connection, subscription);
        await PushPublicationsAsync(connection, "chat:d", 5);

        // The buffer (2) holds the subscribed event and publication 1; the read loop now waits with publication 2.
        await Realtime.Testing.Eventually.TrueAsync(() => Task.FromResult(subscription.Position?.Offset == 1), Timeout, "the buffer to fill");
        await client.DisposeAsync().AsTask().WaitAsync(Timeout);

        var events = new List<SubscriptionEvent>();
        await foreach (var item in subscription.Events().WithCancellation(new CancellationTokenSource(Timeout).Token))
        {
            events.Add(item);
        }

        Assert.IsType<SubscribedEvent>(events[0]);
        Assert.Equal(1UL, Assert.IsType<PublicationEvent>(Assert.Single(events.Skip(1))).Publication.Offset);
    }

    [Fact]
    public async Task A_token_callback_that_throws_is_one_failed_attempt_and_the_client_tries_again()
    {
        var calls = 0;
        await using var client = new RealtimeClient(new RealtimeClientOptions
        {
            Endpoint = _server.Endpoint,
            MinReconnectDelay = TimeSpan.FromMilliseconds(20),
            MaxReconnectDelay = TimeSpan.FromMilliseconds(100),
            GetToken = _ => Interlocked.Increment(ref calls) == 1
                ? throw new HttpRequestException("token endpoint down")
                : ValueTask.FromResult("token-2"),
        });
        var connecting = client.ConnectAsync();

        await (await _server.NextConnectionAsync(Timeout)).WaitClosedAsync(Timeout);
        var second = await _server.NextConnectionAsync(Timeout);
        var (id, body) = await second.ExpectAsync("connect", Timeout);
        Assert.Equal("token-2", body["token"]!.GetValue<string>());
        await second.SendAsync(Fill("""{"id":@0,"connect":{"client":"c-2","ping":25,"pong":true}}""", id));
        await connecting.WaitAsync(Timeout);
    }

    [Fact]
    public async Task Subscribing_twice_sends_one_subscribe()
    {
        await using var client = NewClient();
        var subscription = client.NewSubscription("chat:e");
        var connection = await ConnectAsync(client);

        var first = subscription.SubscribeAsync();
        var second = subscription.SubscribeAsync();
        var (id, _) = await connection.ExpectAsync("subscribe", Timeout);
        await connection.SendAsync(Fill("""{"id":@0,"subscribe":{}}""", id));
        await Task.WhenAll(first, second).WaitAsync(Timeout);
        await subscription.SubscribeAsync().WaitAsync(Timeout);

        // The next command the server sees is this one, not another subscribe.
        var stats = client.PresenceStatsAsync("chat:e");
        var (statsId, _) = await connection.ExpectAsync("presence_stats", Timeout);
        await connection.SendAsync(Fill("""{"id":@0,"presence_stats":{"num_clients":1,"num_users":1}}""", statsId));
        await stats.WaitAsync(Timeout);
    }

    /// <summary>A JSON message with @0, @1 … replaced by the values (raw literals full of braces interpolate badly).</summary>
    private static string Fill(string json, params object[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            json = json.Replace($"@{i}", Convert.ToString(values[i], System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        }

        return json;
    }

    private static async Task<List<SubscriptionEvent>> TakeAsync(Subscription subscription, int count)
    {
        using var deadline = new CancellationTokenSource(Timeout);
        var events = new List<SubscriptionEvent>();
        await foreach (var item in subscription.Events(deadline.Token))
        {
            events.Add(item);
            if (events.Count == count)
            {
                break;
            }
        }

        return events;
    }
}
