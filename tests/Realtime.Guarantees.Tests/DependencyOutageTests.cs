using System.Diagnostics;
using Realtime.Testing;

namespace Realtime.Guarantees.Tests;

/// <summary>
/// A dependency that stops answering (its packets dropped, not refused) degrades its own
/// feature, never the gateways: connections, subscriptions and publications go on, presence
/// queries answer a temporary error, and once it is back the presence reports that could not
/// be sent arrive.
/// </summary>
[Collection(nameof(GuaranteeTests))]
public sealed class DependencyOutageTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task With_presence_stalled_the_gateways_keep_serving_and_presence_catches_up_when_it_is_back()
    {
        RealtimeSystem? system = null;
        await using var proxy = StallingTcpProxy.Start(() => system!.Presence.Port);
        system = await RealtimeSystem.StartAsync(LogTransportKind.RedisStreams, new Dictionary<string, string>
        {
            ["services__presence__http__0"] = $"http://127.0.0.1:{proxy.Port}",
            ["Gateway__PresenceSyncTimeout"] = "00:00:01",
        });
        await using var _ = system;
        var channel = $"{RealtimeSystem.Namespace}:outage-{Guid.NewGuid():N}";
        await using var subscriber = await TrackingSubscriber.StartAsync(system.WebSocket(0), channel);
        await using var watcher = await ProtocolTestClient.ConnectSocketAsync(system.WebSocket(0));
        await watcher.CommandAsync("connect", new { });
        Assert.Null((await watcher.CommandAsync("subscribe", new { channel }))["error"]);
        await Eventually.TrueAsync(async () => (await watcher.CommandAsync("presence_stats", new { channel }))["presence_stats"]?["num_clients"]?.GetValue<int>() == 2,
            Timeout, "both clients present before the outage");

        proxy.Stall();

        // A new client on the other gateway connects, subscribes and publishes as if nothing happened
        // (the subscribe reply waits at most PresenceSyncTimeout for its presence report).
        await using var newcomer = await ProtocolTestClient.ConnectSocketAsync(system.WebSocket(1));
        Assert.NotNull((await newcomer.CommandAsync("connect", new { }))["connect"]);
        var subscribing = Stopwatch.StartNew();
        Assert.Null((await newcomer.CommandAsync("subscribe", new { channel }, Timeout))["error"]);
        Assert.True(subscribing.Elapsed < TimeSpan.FromSeconds(10), $"subscribe took {subscribing.Elapsed}");
        await using var publisher = new Publisher("outage", channel);
        await publisher.ConnectAsync(system.WebSocket(1));
        Assert.True(await publisher.PublishAsync(3));
        await Eventually.TrueAsync(() => Task.FromResult(subscriber.Count >= 3), Timeout, "the publications made during the outage");

        // Presence itself answers a temporary error, and the gateway goes on serving the connection.
        var stats = await watcher.CommandAsync("presence_stats", new { channel }, Timeout);
        Assert.Equal(100, stats["error"]?["code"]?.GetValue<int>());
        Assert.True(stats["error"]!["temporary"]!.GetValue<bool>());
        Assert.NotNull((await watcher.CommandAsync("ping", new { }))["ping"]);
        Assert.All(system.Gateways, gateway => Assert.NotEqual(0, gateway.ProcessId));

        proxy.Resume();

        // The newcomer's join, held back during the outage, reaches presence.
        await Eventually.TrueAsync(async () => (await watcher.CommandAsync("presence_stats", new { channel }, Timeout))["presence_stats"]?["num_clients"]?.GetValue<int>() == 3,
            Timeout, "the newcomer present once presence is back");
    }

    [Fact]
    public async Task With_history_stalled_live_publications_flow_history_queries_answer_a_temporary_error_and_everything_is_stored_after()
    {
        RealtimeSystem? system = null;
        await using var proxy = StallingTcpProxy.Start(() => system!.History.Port);
        system = await RealtimeSystem.StartAsync(LogTransportKind.RedisStreams, new Dictionary<string, string>
        {
            ["services__history__http__0"] = $"http://127.0.0.1:{proxy.Port}",
            [$"Channels__Namespaces__{RealtimeSystem.Namespace}__AllowHistoryForSubscriber"] = "true",
            [$"Channels__Namespaces__{RealtimeSystem.Namespace}__AllowHistoryForAnonymous"] = "true",
        });
        await using var _ = system;
        var channel = $"{RealtimeSystem.Namespace}:history-outage-{Guid.NewGuid():N}";
        await using var subscriber = await TrackingSubscriber.StartAsync(system.WebSocket(0), channel);
        await using var publisher = new Publisher("history-outage", channel);
        await publisher.ConnectAsync(system.WebSocket(1));
        Assert.True(await publisher.PublishAsync(2)); // the channel's stream starts while history answers
        await Eventually.TrueAsync(() => Task.FromResult(subscriber.Count >= 2), Timeout, "the first publications");

        proxy.Stall();

        Assert.True(await publisher.PublishAsync(3));
        await Eventually.TrueAsync(() => Task.FromResult(subscriber.Count >= 5), Timeout, "live delivery during the outage");
        await using var reader = await ProtocolTestClient.ConnectSocketAsync(system.WebSocket(0));
        await reader.CommandAsync("connect", new { });
        Assert.Null((await reader.CommandAsync("subscribe", new { channel }, Timeout))["error"]);
        var history = await reader.CommandAsync("history", new { channel, limit = -1, since = new { offset = 0, epoch = subscriber.Epoch } }, Timeout);
        Assert.Equal(100, history["error"]?["code"]?.GetValue<int>());
        Assert.True(history["error"]!["temporary"]!.GetValue<bool>(), history.ToJsonString());
        Assert.NotNull((await reader.CommandAsync("ping", new { }))["ping"]);
        Assert.All(system.Gateways.Concat(system.Fanouts), service => Assert.NotEqual(0, service.ProcessId));

        proxy.Resume();

        var acknowledged = publisher.Acknowledged.ToHashSet();
        await Eventually.TrueAsync(async () => acknowledged.IsSubsetOf((await system.StoredAsync(channel)).Select(r => r.Id)), Timeout, "every publication stored once history is back");
        var stored = (await system.StoredAsync(channel)).Select(r => r.Id).ToList();
        Assert.Equal(stored.Count, stored.Distinct().Count());
    }
}
