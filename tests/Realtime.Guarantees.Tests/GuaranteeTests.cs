using Realtime.Testing;

namespace Realtime.Guarantees.Tests;

/// <summary>
/// The guarantees of PRODUCT.md, proven against the whole system running as separate processes,
/// for every log transport that runs here. Each test gets a fresh system.
/// </summary>
[Collection(nameof(GuaranteeTests))]
public sealed class GuaranteeTests
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(60);

    public static TheoryData<LogTransportKind> Transports => new() { LogTransportKind.RedisStreams, LogTransportKind.Kafka };

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Every_subscriber_sees_each_channel_in_one_order_and_each_publisher_in_its_send_order(LogTransportKind transport)
    {
        await using var system = await RealtimeSystem.StartAsync(transport);
        string[] channels = [Channel("a"), Channel("b"), Channel("c")];
        var subscribers = new List<TrackingSubscriber>();
        foreach (var channel in channels)
        {
            subscribers.Add(await TrackingSubscriber.StartAsync(system.WebSocket(0), channel));
            subscribers.Add(await TrackingSubscriber.StartAsync(system.WebSocket(1), channel));
        }

        // Two publishers per channel, one on each gateway, publishing concurrently.
        var publishers = new List<Publisher>();
        foreach (var channel in channels)
        {
            for (var gateway = 0; gateway < 2; gateway++)
            {
                var publisher = new Publisher($"{channel}-p{gateway}", channel);
                await publisher.ConnectAsync(system.WebSocket(gateway));
                publishers.Add(publisher);
            }
        }

        await Task.WhenAll(publishers.Select(p => p.PublishAsync(60)));
        var total = publishers.Sum(p => p.Acknowledged.Count) / channels.Length;
        await WaitForAsync(subscribers, s => s.Count >= total, "every subscriber to receive every publication");

        for (var i = 0; i < channels.Length; i++)
        {
            var (onGateway1, onGateway2) = (subscribers[2 * i], subscribers[2 * i + 1]);
            AssertStrictlyIncreasing(onGateway1);
            Assert.Equal(onGateway1.Received, onGateway2.Received);
            foreach (var publisher in publishers.Where(p => p.Name.StartsWith(channels[i], StringComparison.Ordinal)))
            {
                // Per-publisher order: its ids appear in the stream in the order it sent them.
                var seen = onGateway1.Received.Select(r => r.Id).Where(id => id.StartsWith(publisher.Name + "-", StringComparison.Ordinal)).ToList();
                Assert.Equal(publisher.Acknowledged, seen);
            }
        }

        await DisposeAllAsync(subscribers, publishers);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Killing_a_fanout_instance_mid_stream_loses_no_acknowledged_publication(LogTransportKind transport) =>
        await NoLossWhenKilledAsync(transport, system => system.Fanouts[0], restart: false);

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Killing_history_mid_stream_loses_nothing_and_stores_each_publication_once(LogTransportKind transport) =>
        await NoLossWhenKilledAsync(transport, system => system.History, restart: true);

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Killing_a_gateway_mid_stream_loses_no_acknowledged_publication(LogTransportKind transport)
    {
        await using var system = await RealtimeSystem.StartAsync(transport);
        var channel = Channel("gw");
        await using var survivor = await TrackingSubscriber.StartAsync(system.WebSocket(0), channel);
        await using var orphan = await TrackingSubscriber.StartAsync(system.WebSocket(1), channel);
        await using var steady = new Publisher("steady", channel);
        await using var stranded = new Publisher("stranded", channel);
        await steady.ConnectAsync(system.WebSocket(0));
        await stranded.ConnectAsync(system.WebSocket(1));

        var steadyRun = steady.PublishAsync(150);
        var strandedCompleted = await stranded.PublishAsync(50, async n =>
        {
            if (n == 25)
            {
                system.Gateways[1].Kill();
                await Task.CompletedTask;
            }
        });
        Assert.False(strandedCompleted, "the publisher on the killed gateway should have lost its connection");
        // Its clients come back through the other gateway, the subscriber recovering what it missed.
        await stranded.ConnectAsync(system.WebSocket(0));
        await stranded.PublishAsync(25);
        await orphan.ReconnectAsync(system.WebSocket(0));
        await steadyRun;

        var acknowledged = steady.Acknowledged.Concat(stranded.Acknowledged).ToHashSet();
        await WaitForAsync([survivor, orphan], s => acknowledged.IsSubsetOf(s.Received.Select(r => r.Id)), "every acknowledged publication at both subscribers");
        Assert.True(orphan.LastRecovered, "the subscriber of the killed gateway recovered its gap");
        AssertStrictlyIncreasing(survivor);
        AssertStrictlyIncreasing(orphan);
        await AssertStoredOnceAsync(system, channel, acknowledged);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Redis_restarted_empty_never_causes_a_reused_offset(LogTransportKind transport)
    {
        await using var system = await RealtimeSystem.StartAsync(transport);
        var channel = Channel("reset");
        await using (var before = new Publisher("before", channel))
        {
            await before.ConnectAsync(system.WebSocket(0));
            await before.PublishAsync(20);
            await WaitStoredAsync(system, channel, 20);
        }

        await system.RestartRedisEmptyAsync();

        await using var after = new Publisher("after", channel);
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                await after.ConnectAsync(system.WebSocket(0));
                return await after.PublishAsync(1);
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or System.Net.WebSockets.WebSocketException)
            {
                return false; // the services are still reconnecting to the new Redis
            }
        }, Settle, "publishing to work again after the restart");
        await after.PublishAsync(19);
        await WaitStoredAsync(system, channel, 20 + after.Acknowledged.Count);

        var stored = await system.StoredAsync(channel);
        Assert.Equal(stored.Count, stored.Select(r => r.Offset).Distinct().Count());
        Assert.Equal(stored.Select(r => r.Offset).Order(), stored.Select(r => r.Offset));
        var epochs = stored.Select(r => r.Epoch).Distinct().ToList();
        Assert.Equal(2, epochs.Count);
        // The new epoch continues above everything the old one stored.
        Assert.True(stored.Where(r => r.Epoch == epochs[1]).Min(r => r.Offset) > stored.Where(r => r.Epoch == epochs[0]).Max(r => r.Offset));
    }

    private static async Task NoLossWhenKilledAsync(LogTransportKind transport, Func<RealtimeSystem, ServiceProcess> victim, bool restart)
    {
        await using var system = await RealtimeSystem.StartAsync(transport);
        var channels = new[] { Channel("k1"), Channel("k2"), Channel("k3"), Channel("k4") };
        var subscribers = new List<TrackingSubscriber>();
        var publishers = new List<Publisher>();
        foreach (var channel in channels)
        {
            subscribers.Add(await TrackingSubscriber.StartAsync(system.WebSocket(0), channel));
            var publisher = new Publisher($"{channel}-p", channel);
            await publisher.ConnectAsync(system.WebSocket(1));
            publishers.Add(publisher);
        }

        var killed = false;
        await Task.WhenAll(publishers.Select((p, i) => p.PublishAsync(80, async n =>
        {
            if (i == 0 && n == 30 && !killed)
            {
                killed = true;
                victim(system).Kill();
                if (restart)
                {
                    await victim(system).StartAsync();
                }
            }
        })));

        for (var i = 0; i < channels.Length; i++)
        {
            var acknowledged = publishers[i].Acknowledged.ToHashSet();
            Assert.Equal(80, acknowledged.Count);
            await WaitForAsync([subscribers[i]], s => acknowledged.IsSubsetOf(s.Received.Select(r => r.Id)), $"every acknowledged publication of {channels[i]}");
            AssertStrictlyIncreasing(subscribers[i]);
            await AssertStoredOnceAsync(system, channels[i], acknowledged);
        }

        await DisposeAllAsync(subscribers, publishers);
    }

    private static async Task AssertStoredOnceAsync(RealtimeSystem system, string channel, HashSet<string> acknowledged)
    {
        var stored = await Eventually.ReturnsAsync(() => system.StoredAsync(channel), rows => acknowledged.IsSubsetOf(rows.Select(r => r.Id)), Settle, $"{channel} stored in PostgreSQL");
        var ids = stored.Select(r => r.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    private static Task WaitStoredAsync(RealtimeSystem system, string channel, int count) =>
        Eventually.TrueAsync(async () => await system.CountStoredAsync(channel) >= count, Settle, $"{count} publications of {channel} stored");

    private static void AssertStrictlyIncreasing(TrackingSubscriber subscriber)
    {
        List<ulong> offsets;
        lock (subscriber.Received)
        {
            offsets = subscriber.Received.Select(r => r.Offset).ToList();
        }

        for (var i = 1; i < offsets.Count; i++)
        {
            Assert.True(offsets[i] > offsets[i - 1], $"offset {offsets[i]} after {offsets[i - 1]}");
        }
    }

    private static Task WaitForAsync(IEnumerable<TrackingSubscriber> subscribers, Func<TrackingSubscriber, bool> done, string what) =>
        Eventually.TrueAsync(() =>
        {
            foreach (var subscriber in subscribers)
            {
                lock (subscriber.Received)
                {
                    if (!done(subscriber))
                    {
                        return Task.FromResult(false);
                    }
                }
            }

            return Task.FromResult(true);
        }, Settle, what);

    private static async Task DisposeAllAsync(List<TrackingSubscriber> subscribers, List<Publisher> publishers)
    {
        foreach (var subscriber in subscribers)
        {
            await subscriber.DisposeAsync();
        }

        foreach (var publisher in publishers)
        {
            await publisher.DisposeAsync();
        }
    }

    private static string Channel(string name) => $"{RealtimeSystem.Namespace}:{name}-{Guid.NewGuid():N}";
}
