using System.Text.Json.Nodes;
using Realtime.Testing;

namespace Realtime.Guarantees.Tests;

/// <summary>Presence across two gateways, through the protocol, against the whole system as processes.</summary>
[Collection(nameof(GuaranteeTests))]
public sealed class PresenceSystemTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Presence_counts_match_the_connected_clients_and_follow_unsubscribes_disconnects_and_a_killed_gateway()
    {
        await using var system = await RealtimeSystem.StartAsync(LogTransportKind.RedisStreams);
        var channel = $"{RealtimeSystem.Namespace}:room-{Guid.NewGuid():N}";

        // A watcher that asked for join/leave pushes, on the gateway that stays up.
        await using var watcher = await ProtocolTestClient.ConnectSocketAsync(system.WebSocket(0));
        await watcher.CommandAsync("connect", new { });
        Assert.Null((await watcher.CommandAsync("subscribe", new { channel, join_leave = true }))["error"]);

        // 40 clients of 20 users (two devices each), spread over both gateways.
        var clients = new List<(ProtocolTestClient Client, int Gateway, string User)>();
        for (var i = 0; i < 40; i++)
        {
            var gateway = i % 2;
            var client = await ProtocolTestClient.ConnectSocketAsync(system.WebSocket(gateway));
            // A user's two devices sit on different gateways.
            var user = $"user-{i / 2}";
            Assert.NotNull((await client.CommandAsync("connect", new { token = system.Tokens.Connection(user) }))["connect"]);
            clients.Add((client, gateway, user));
        }

        foreach (var (client, _, _) in clients)
        {
            Assert.Null((await client.CommandAsync("subscribe", new { channel }))["error"]);
        }

        await ExpectPresenceAsync(watcher, channel, 41);
        var presence = await watcher.CommandAsync("presence", new { channel });
        var present = presence["presence"]!["presence"]!.AsObject();
        Assert.Equal(41, present.Count);
        Assert.Equal(clients.Select(c => c.User).Append("").Distinct().Order(), present.Select(p => p.Value!["user"]!.GetValue<string>()).Distinct().Order());
        var stats = await watcher.CommandAsync("presence_stats", new { channel });
        Assert.Equal(21, stats["presence_stats"]!["num_users"]!.GetValue<int>()); // 20 users and the anonymous watcher

        // Unsubscribe and disconnect drop presence at once (within the gateway's flush interval).
        Assert.NotNull((await clients[0].Client.CommandAsync("unsubscribe", new { channel }))["unsubscribe"]);
        await clients[2].Client.DisposeAsync();
        await ExpectPresenceAsync(watcher, channel, 39, within: TimeSpan.FromSeconds(3));

        // SIGKILL the second gateway: its 20 clients vanish within the entry TTL plus a sweep, and
        // the watcher is told each of them left.
        var killedClients = clients.Where(c => c.Gateway == 1).Select(c => c.Client).ToList();
        var leavesBefore = CountLeaves(watcher);
        system.Gateways[1].Kill();
        var killedAt = DateTime.UtcNow;
        await ExpectPresenceAsync(watcher, channel, 19, within: RealtimeSystem.PresenceEntryTtl + TimeSpan.FromSeconds(10));
        Assert.True(DateTime.UtcNow - killedAt < RealtimeSystem.PresenceEntryTtl + TimeSpan.FromSeconds(10));
        await Eventually.TrueAsync(() => Task.FromResult(CountLeaves(watcher) - leavesBefore >= killedClients.Count), Timeout, "a leave push per client of the killed gateway");

        // Everyone leaves: the channel's presence keys are gone.
        foreach (var (client, _, _) in clients.Where(c => c.Gateway == 0).Skip(2))
        {
            await client.DisposeAsync();
        }

        await watcher.CommandAsync("unsubscribe", new { channel });
        await Eventually.TrueAsync(async () => (await system.RedisKeysAsync(channel)).All(k => !k.EndsWith(":presence", StringComparison.Ordinal)
                && !k.EndsWith(":presence:exp", StringComparison.Ordinal) && !k.EndsWith(":presence:users", StringComparison.Ordinal)),
            Timeout, "the channel's presence keys to disappear");

        foreach (var (client, _, _) in clients)
        {
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task Presence_is_refused_with_103_to_clients_not_subscribed_and_108_where_the_namespace_keeps_none()
    {
        await using var system = await RealtimeSystem.StartAsync(LogTransportKind.RedisStreams);
        await using var client = await ProtocolTestClient.ConnectSocketAsync(system.WebSocket(0));
        await client.CommandAsync("connect", new { });
        var channel = $"{RealtimeSystem.Namespace}:closed-{Guid.NewGuid():N}";
        Assert.Equal(103, ErrorCode(await client.CommandAsync("presence", new { channel })));
        Assert.Equal(103, ErrorCode(await client.CommandAsync("presence_stats", new { channel })));
        var unkept = $"{RealtimeSystem.NoPresenceNamespace}:room";
        Assert.Null((await client.CommandAsync("subscribe", new { channel = unkept }))["error"]);
        Assert.Equal(108, ErrorCode(await client.CommandAsync("presence", new { channel = unkept })));
    }

    [Fact]
    public async Task A_client_that_subscribes_and_leaves_within_one_flush_interval_is_not_left_present()
    {
        await using var system = await RealtimeSystem.StartAsync(LogTransportKind.RedisStreams);
        var channel = $"{RealtimeSystem.Namespace}:churn-{Guid.NewGuid():N}";
        await using var watcher = await SubscribedClientAsync(system, 0, channel);

        // Ten clients join and leave at once, their joins and leaves falling into one report.
        var churned = new List<ProtocolTestClient>();
        for (var i = 0; i < 10; i++)
        {
            var client = await ProtocolTestClient.ConnectSocketAsync(system.WebSocket(0));
            await client.CommandAsync("connect", new { });
            Assert.Null((await client.CommandAsync("subscribe", new { channel }))["error"]);
            Assert.Null((await client.CommandAsync("unsubscribe", new { channel }))["error"]);
            churned.Add(client);
        }

        // A marker joining after them is reported with or after their changes: once it shows,
        // theirs have been applied, and only the watcher and the marker may be present.
        await using var marker = await SubscribedClientAsync(system, 0, channel);
        await Eventually.TrueAsync(async () =>
        {
            var reply = await watcher.CommandAsync("presence", new { channel });
            return reply["presence"]?["presence"]?.AsObject().Count >= 2;
        }, Timeout, "the marker to be present");
        var present = (await watcher.CommandAsync("presence", new { channel }))["presence"]!["presence"]!.AsObject();
        Assert.Equal(2, present.Count);

        foreach (var client in churned)
        {
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_client_is_present_when_its_subscribe_reply_arrives_and_gone_when_its_unsubscribe_reply_arrives()
    {
        await using var system = await RealtimeSystem.StartAsync(LogTransportKind.RedisStreams);
        var channel = $"{RealtimeSystem.Namespace}:exact-{Guid.NewGuid():N}";
        await using var watcher = await SubscribedClientAsync(system, 0, channel);
        // The subscriber on the other gateway: its report and the watcher's question take different paths.
        await using var client = await ProtocolTestClient.ConnectSocketAsync(system.WebSocket(1));
        await client.CommandAsync("connect", new { });

        for (var round = 0; round < 5; round++)
        {
            Assert.Null((await client.CommandAsync("subscribe", new { channel }))["error"]);
            // Asked right after the reply, without waiting for anything else.
            Assert.Equal(2, await ClientsPresentAsync(watcher, channel));

            Assert.Null((await client.CommandAsync("unsubscribe", new { channel }))["error"]);
            Assert.Equal(1, await ClientsPresentAsync(watcher, channel));
        }
    }

    private static async Task<ProtocolTestClient> SubscribedClientAsync(RealtimeSystem system, int gateway, string channel)
    {
        var client = await ProtocolTestClient.ConnectSocketAsync(system.WebSocket(gateway));
        await client.CommandAsync("connect", new { });
        Assert.Null((await client.CommandAsync("subscribe", new { channel }))["error"]);
        return client;
    }

    private static async Task<int> ClientsPresentAsync(ProtocolTestClient asker, string channel) =>
        (await asker.CommandAsync("presence", new { channel }))["presence"]!["presence"]!.AsObject().Count;

    private static async Task ExpectPresenceAsync(ProtocolTestClient asker, string channel, int clients, TimeSpan? within = null)
    {
        await Eventually.TrueAsync(async () =>
        {
            var reply = await asker.CommandAsync("presence_stats", new { channel });
            return (reply["presence_stats"]?["num_clients"]?.GetValue<int>() ?? 0) == clients;
        }, within ?? Timeout, $"{clients} clients present in {channel}");
    }

    private static int CountLeaves(ProtocolTestClient client) => client.Seen(m => m["push"]?["leave"] is not null);

    private static int? ErrorCode(JsonObject reply) => reply["error"]?["code"]?.GetValue<int>();
}
