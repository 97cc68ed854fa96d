using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.Testing;
using Realtime.Client;
using Realtime.Testing;

namespace Realtime.EndToEnd.Tests;

/// <summary>
/// The .NET client library (Clients/Realtime.Client) against the whole system through the
/// AppHost: two gateway replicas behind one address, the log, fanout, history.
/// </summary>
[Collection(RealtimeAppCollection.Name)]
public sealed class DotnetClientTests(RealtimeAppFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(WireFormat.Json)]
    [InlineData(WireFormat.Protobuf)]
    public async Task A_burst_crosses_gateways_in_publish_order_exactly_once(WireFormat format)
    {
        var (publisher, subscriber) = await ConnectToTwoNodesAsync(format);
        await using var _ = publisher;
        await using var __ = subscriber;
        var channel = $"chat:dotnet-burst-{Guid.NewGuid():N}";
        var subscription = subscriber.NewSubscription(channel);
        await subscription.SubscribeAsync().WaitAsync(Timeout);
        // The chat namespace lets subscribers publish.
        await publisher.NewSubscription(channel).SubscribeAsync().WaitAsync(Timeout);

        const int count = 300;
        for (var i = 0; i < count; i++)
        {
            await publisher.PublishAsync(channel, JsonSerializer.SerializeToElement(new { n = i }));
        }

        var received = await TakeAsync(subscription, count);
        Assert.Equal(Enumerable.Range(0, count), received.Select(p => p.Data.GetProperty("n").GetInt32()));
        Assert.Equal(Enumerable.Range(1, count).Select(o => (ulong)o), received.Select(p => p.Offset));
    }

    /// <summary>
    /// The subscriber's gateway is SIGKILLed while a backend keeps publishing through the server
    /// API: the client reconnects (to the other replica), recovers from its last offset, and its
    /// reader sees every publication once, in order. The killed replica is started again after.
    /// </summary>
    [Fact]
    public async Task A_subscriber_whose_gateway_is_killed_reconnects_recovers_and_loses_nothing()
    {
        await using var subscriber = new RealtimeClient(Options(fixture.Tokens.Connection("dotnet-survivor")));
        var channel = $"chat:dotnet-kill-{Guid.NewGuid():N}";
        var subscription = subscriber.NewSubscription(channel);
        var events = new List<SubscriptionEvent>();
        var allReceived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        const int count = 200;
        subscription.On(item =>
        {
            lock (events)
            {
                events.Add(item);
                if (events.OfType<PublicationEvent>().Count() == count)
                {
                    allReceived.TrySetResult();
                }
            }

            return ValueTask.CompletedTask;
        });
        await subscriber.ConnectAsync().WaitAsync(Timeout);
        await subscription.SubscribeAsync().WaitAsync(Timeout);
        var gatewayPid = PidOf(subscriber.Node!);

        using var api = fixture.App.CreateHttpClient("fanout", "http");
        api.DefaultRequestHeaders.Add("X-API-Key", RealtimeAppFixture.ApiKey);
        try
        {
            for (var i = 0; i < count; i++)
            {
                if (i == count / 4)
                {
                    Process.GetProcessById(gatewayPid).Kill();
                }

                var response = await api.PostAsJsonAsync("/api/publish", new { channel, data = new { n = i } });
                response.EnsureSuccessStatusCode();
                await Task.Delay(10);
            }

            await allReceived.Task.WaitAsync(Timeout);
            List<SubscriptionEvent> seen;
            lock (events)
            {
                seen = [.. events];
            }

            var publications = seen.OfType<PublicationEvent>().Select(e => e.Publication).ToList();
            Assert.Equal(Enumerable.Range(0, count), publications.Select(p => p.Data.GetProperty("n").GetInt32()));
            Assert.Equal(Enumerable.Range(1, count).Select(o => (ulong)o), publications.Select(p => p.Offset));
            Assert.Contains(seen, e => e is SubscribedEvent { WasRecovering: true, Recovered: true });
            Assert.NotEqual(gatewayPid, PidOf(subscriber.Node!));
        }
        finally
        {
            await fixture.StartStoppedGatewayAsync();
        }
    }

    /// <summary>Tokens that live three seconds: the client refreshes them before they expire and the connection and subscription never drop.</summary>
    [Fact]
    public async Task Short_lived_connection_and_subscription_tokens_are_refreshed_without_dropping_anything()
    {
        var connectionTokens = 0;
        var subscriptionTokens = 0;
        var changes = new List<ConnectionStateChange>();
        await using var client = new RealtimeClient(new RealtimeClientOptions
        {
            Endpoint = fixture.WebSocketEndpoint,
            GetToken = _ =>
            {
                Interlocked.Increment(ref connectionTokens);
                return ValueTask.FromResult(fixture.Tokens.Connection("dotnet-refresher", TimeSpan.FromSeconds(3)));
            },
        });
        client.StateChanged += change => { lock (changes) { changes.Add(change); } };
        var channel = $"$chat:dotnet-private-{Guid.NewGuid():N}";
        var subscription = client.NewSubscription(channel, new SubscriptionOptions
        {
            GetToken = (ch, _) =>
            {
                Interlocked.Increment(ref subscriptionTokens);
                return ValueTask.FromResult(fixture.Tokens.Subscription("dotnet-refresher", ch, TimeSpan.FromSeconds(3)));
            },
        });
        await client.ConnectAsync().WaitAsync(Timeout);
        await subscription.SubscribeAsync().WaitAsync(Timeout);

        await Eventually.TrueAsync(() => Task.FromResult(Volatile.Read(ref connectionTokens) >= 4 && Volatile.Read(ref subscriptionTokens) >= 4),
            TimeSpan.FromSeconds(30), "three refreshes of each token");
        await client.PublishAsync(channel, JsonSerializer.SerializeToElement(new { still = "here" }));
        var publication = Assert.Single(await TakeAsync(subscription, 1));
        Assert.Equal("here", publication.Data.GetProperty("still").GetString());
        lock (changes)
        {
            // Connected once, never dropped, and the subscription was never renewed by resubscribing.
            Assert.Single(changes, c => c.State == ConnectionState.Connected);
            Assert.DoesNotContain(changes, c => c.Code != 0);
        }

        Assert.Equal(SubscriptionState.Subscribed, subscription.State);
    }

    /// <summary>A custom code below 4500 asks the client to come back; from 4500 it must stay away, as the protocol defines.</summary>
    [Fact]
    public async Task A_server_disconnect_with_a_reconnect_code_is_followed_and_a_terminal_one_is_final()
    {
        var user = $"dotnet-moderated-{Guid.NewGuid():N}";
        var changes = new List<ConnectionStateChange>();
        await using var client = new RealtimeClient(Options(fixture.Tokens.Connection(user, TimeSpan.FromHours(1))));
        client.StateChanged += change => { lock (changes) { changes.Add(change); } };
        await client.ConnectAsync().WaitAsync(Timeout);
        var firstClientId = client.ClientId;

        await DisconnectUserAsync(user, 4000, "come back");
        await Eventually.TrueAsync(() => Task.FromResult(client.State == ConnectionState.Connected && client.ClientId != firstClientId),
            Timeout, "the client reconnected after 4000");

        await DisconnectUserAsync(user, 4501, "banned");
        await Eventually.TrueAsync(() =>
        {
            lock (changes)
            {
                return Task.FromResult(changes.Count > 0 && changes[^1] is { State: ConnectionState.Disconnected, Code: 4501, WillReconnect: false });
            }
        }, Timeout, "the client to stop for good after 4501");

        await Assert.ThrowsAsync<TerminalDisconnectException>(() => client.ConnectAsync());
    }

    [Fact]
    public async Task A_connect_refused_for_a_bad_token_is_final_and_not_retried()
    {
        var attempts = 0;
        await using var client = new RealtimeClient(new RealtimeClientOptions
        {
            Endpoint = fixture.WebSocketEndpoint,
            GetToken = _ =>
            {
                Interlocked.Increment(ref attempts);
                return ValueTask.FromResult(new TestTokens(new string('x', 64)).Connection("forger"));
            },
        });

        var refused = await Assert.ThrowsAsync<TerminalDisconnectException>(() => client.ConnectAsync().WaitAsync(Timeout));
        Assert.Equal(ConnectionState.Disconnected, client.State);
        Assert.Equal(1, attempts);
        Assert.NotEqual(0, refused.Code);
    }

    [Theory]
    [InlineData(WireFormat.Json)]
    [InlineData(WireFormat.Protobuf)]
    public async Task Presence_history_join_and_leave_reach_the_application(WireFormat format)
    {
        var channel = $"chat:dotnet-room-{Guid.NewGuid():N}";
        await using var ann = new RealtimeClient(Options(fixture.Tokens.Connection("ann"), format));
        await using var bob = new RealtimeClient(Options(fixture.Tokens.Connection("bob"), format));
        var annRoom = ann.NewSubscription(channel, new SubscriptionOptions { JoinLeave = true });
        await ann.ConnectAsync().WaitAsync(Timeout);
        await annRoom.SubscribeAsync().WaitAsync(Timeout);
        await bob.ConnectAsync().WaitAsync(Timeout);
        var bobRoom = bob.NewSubscription(channel);
        await bobRoom.SubscribeAsync().WaitAsync(Timeout);

        // Ann sees her own join first, then Bob's.
        Assert.Equal("ann", (await NextAsync<JoinEvent>(annRoom)).Info.User);
        Assert.Equal("bob", (await NextAsync<JoinEvent>(annRoom)).Info.User);
        var presence = await ann.PresenceAsync(channel);
        Assert.Equal(["ann", "bob"], presence.Values.Select(c => c.User).Order());
        Assert.Equal((2, 2), await ann.PresenceStatsAsync(channel));

        await bob.PublishAsync(channel, JsonSerializer.SerializeToElement(new { text = "hi" }));
        await NextAsync<PublicationEvent>(annRoom);
        var (stored, position) = await ann.HistoryAsync(channel, limit: 10);
        Assert.Equal("hi", Assert.Single(stored).Data.GetProperty("text").GetString());
        Assert.Equal(1UL, position.Offset);

        await bobRoom.UnsubscribeAsync();
        Assert.Equal("bob", (await NextAsync<LeaveEvent>(annRoom)).Info.User);
    }

    /// <summary>RPC and send go through the gateway to the application backend (the fixture's, over the proxy protocol).</summary>
    [Theory]
    [InlineData(WireFormat.Json)]
    [InlineData(WireFormat.Protobuf)]
    public async Task Rpc_and_send_reach_the_application_backend(WireFormat format)
    {
        var user = $"dotnet-rpc-{format}".ToLowerInvariant();
        await using var client = new RealtimeClient(Options(fixture.Tokens.Connection(user), format));
        await client.ConnectAsync().WaitAsync(Timeout);

        var reply = await client.RpcAsync("echo", JsonSerializer.SerializeToElement(new { ping = 1 }));
        Assert.Equal(1, reply.GetProperty("echo").GetProperty("ping").GetInt32());
        Assert.Equal(user, reply.GetProperty("user").GetString());
        var refused = await Assert.ThrowsAsync<RealtimeException>(() => client.RpcAsync("nope", JsonSerializer.SerializeToElement(new { })));
        Assert.Equal(1000, refused.Code);

        var marker = Guid.NewGuid().ToString("N");
        await client.SendAsync(JsonSerializer.SerializeToElement(new { marker }));
        await Eventually.TrueAsync(() => Task.FromResult(fixture.Backend.Messages.Any(m => m.ToJsonString().Contains(marker, StringComparison.Ordinal))),
            Timeout, "the backend to receive the send");
    }

    private RealtimeClientOptions Options(string token, WireFormat format = WireFormat.Json) => new()
    {
        Endpoint = fixture.WebSocketEndpoint,
        Token = token,
        Format = format,
        MinReconnectDelay = TimeSpan.FromMilliseconds(100),
        MaxReconnectDelay = TimeSpan.FromSeconds(2),
    };

    private async Task<(RealtimeClient Publisher, RealtimeClient Subscriber)> ConnectToTwoNodesAsync(WireFormat format)
    {
        var byNode = new Dictionary<string, RealtimeClient>();
        for (var attempt = 0; attempt < 20 && byNode.Count < 2; attempt++)
        {
            var client = new RealtimeClient(Options(fixture.Tokens.Connection($"dotnet-{attempt}"), format));
            await client.ConnectAsync().WaitAsync(Timeout);
            if (!byNode.TryAdd(client.Node!, client))
            {
                await client.DisposeAsync();
            }
        }

        Assert.True(byNode.Count == 2, "20 connections all landed on one gateway instance");
        var clients = byNode.Values.ToArray();
        return (clients[0], clients[1]);
    }

    private static async Task<List<Publication>> TakeAsync(Subscription subscription, int count)
    {
        using var deadline = new CancellationTokenSource(Timeout);
        var received = new List<Publication>();
        await foreach (var publication in subscription.Publications(deadline.Token))
        {
            received.Add(publication);
            if (received.Count == count)
            {
                break;
            }
        }

        return received;
    }

    private static async Task<T> NextAsync<T>(Subscription subscription) where T : SubscriptionEvent
    {
        using var deadline = new CancellationTokenSource(Timeout);
        await foreach (var item in subscription.Events(deadline.Token))
        {
            if (item is T wanted)
            {
                return wanted;
            }
        }

        throw new InvalidOperationException("the subscription ended");
    }

    /// <summary>A gateway's node name is "{machine}-{pid}" unless configured.</summary>
    private static int PidOf(string node) => int.Parse(node[(node.LastIndexOf('-') + 1)..], System.Globalization.CultureInfo.InvariantCulture);

    private async Task DisconnectUserAsync(string user, int code, string reason)
    {
        using var api = fixture.App.CreateHttpClient("fanout", "http");
        api.DefaultRequestHeaders.Add("X-API-Key", RealtimeAppFixture.ApiKey);
        var response = await api.PostAsJsonAsync("/api/disconnect", new { user, disconnect = new { code, reason } });
        response.EnsureSuccessStatusCode();
    }
}
