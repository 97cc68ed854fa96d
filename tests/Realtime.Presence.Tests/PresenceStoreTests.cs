using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Realtime.Channels;
using Realtime.Contracts;
using Realtime.Delivery;
using Realtime.Presence.Store;
using Realtime.Testing;
using StackExchange.Redis;

namespace Realtime.Presence.Tests;

/// <summary>The presence store against a real redis-server.</summary>
public sealed class PresenceStoreTests : IAsyncLifetime
{
    private readonly ManualTime _time = new(DateTimeOffset.UtcNow);
    private RedisServer _redis = null!;
    private ConnectionMultiplexer _mux = null!;
    private PresenceStore _store = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _mux = await _redis.ConnectAsync();
        var namespaces = new ChannelNamespaces(Options.Create(new ChannelsOptions
        {
            Default = new ChannelOptions { Presence = true, JoinLeave = true },
            Namespaces = { ["quiet"] = new ChannelOptions { Presence = true } },
        }));
        var events = new PresenceEvents(_mux, namespaces, Options.Create(new DeliveryOptions()));
        _store = new PresenceStore(_mux, Options.Create(new PresenceOptions { EntryTtl = TimeSpan.FromSeconds(20) }), _time, events);
    }

    public async Task DisposeAsync()
    {
        await _mux.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Joins_and_leaves_in_one_report_each_with_client_and_user_counts()
    {
        await _store.ApplyAsync(new PresenceReport("n1", [Entry("room", "c1", "u1"), Entry("room", "c2", "u1"), Entry("room", "c3", "u2")], [], []));
        var present = await _store.GetAsync("room");
        Assert.Equal(["c1", "c2", "c3"], present.Keys.Order());
        Assert.Equal("u2", present["c3"].User);
        Assert.Equal(new PresenceStatsResponse(3, 2), await _store.GetStatsAsync("room"));

        await _store.ApplyAsync(new PresenceReport("n1", [], [new PresenceLeave("room", "c2")], []));
        Assert.Equal(["c1", "c3"], (await _store.GetAsync("room")).Keys.Order());
        Assert.Equal(new PresenceStatsResponse(2, 2), await _store.GetStatsAsync("room"));
        await _store.ApplyAsync(new PresenceReport("n1", [], [new PresenceLeave("room", "c1")], []));
        Assert.Equal(new PresenceStatsResponse(1, 1), await _store.GetStatsAsync("room"));
    }

    [Fact]
    public async Task A_refresh_is_not_a_second_join()
    {
        await _store.ApplyAsync(new PresenceReport("n1", [Entry("r", "c1", "u1")], [], []));
        await _store.ApplyAsync(new PresenceReport("n1", [], [], [Entry("r", "c1", "u1")]));
        Assert.Equal(new PresenceStatsResponse(1, 1), await _store.GetStatsAsync("r"));
    }

    [Fact]
    public async Task Entries_nobody_refreshes_are_swept_and_their_leave_is_announced()
    {
        var leaves = await ListenAsync("ttl");
        await _store.ApplyAsync(new PresenceReport("n1", [Entry("ttl", "stale", "u1"), Entry("ttl", "fresh", "u2")], [], []));
        _time.Advance(TimeSpan.FromSeconds(15));
        await _store.ApplyAsync(new PresenceReport("n1", [], [], [Entry("ttl", "fresh", "u2")]));
        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(1, await _store.SweepAsync());
        Assert.Equal(0, await _store.SweepAsync());
        Assert.Equal(["fresh"], (await _store.GetAsync("ttl")).Keys);
        await Eventually.TrueAsync(() => Task.FromResult(leaves.Count == 1), TimeSpan.FromSeconds(5), "the leave event");
        var leave = Assert.Single(leaves);
        Assert.Equal(DeliveryEventKind.Leave, leave.Kind);
        Assert.Equal("stale", leave.Client!.Client);
    }

    [Fact]
    public async Task No_leave_is_announced_where_the_namespace_has_no_join_leave()
    {
        var leaves = await ListenAsync("quiet:room");
        await _store.ApplyAsync(new PresenceReport("n1", [Entry("quiet:room", "c1", "u1")], [], []));
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(1, await _store.SweepAsync());

        // Pub/sub keeps order: once a marker sent afterwards arrived, any leave would have too.
        await _mux.GetSubscriber().PublishAsync(ChannelKeys.Delivery("quiet:room", sharded: false),
            DeliveryMessage.EncodeJoin(new Realtime.Protocol.Replies.ClientInfo("marker", "marker")));
        await Eventually.TrueAsync(() => Task.FromResult(leaves.Any(e => e.Client?.User == "marker")), TimeSpan.FromSeconds(5), "the marker");
        Assert.DoesNotContain(leaves, e => e.Kind == DeliveryEventKind.Leave);
    }

    [Fact]
    public async Task A_channel_that_empties_leaves_no_keys_behind()
    {
        await _store.ApplyAsync(new PresenceReport("n1", [Entry("empty", "c1", "u1"), Entry("empty2", "c2", "u2")], [], []));
        await _store.ApplyAsync(new PresenceReport("n1", [], [new PresenceLeave("empty", "c1")], []));
        _time.Advance(TimeSpan.FromMinutes(1));
        await _store.SweepAsync();

        Assert.Empty(await _store.GetAsync("empty"));
        var keys = _mux.GetServers()[0].Keys(pattern: "rt:*").Select(k => (string)k!).ToList();
        var leftovers = new List<string>();
        foreach (var key in keys)
        {
            var type = await _mux.GetDatabase().KeyTypeAsync(key);
            var size = type switch
            {
                RedisType.Set => await _mux.GetDatabase().SetLengthAsync(key),
                RedisType.SortedSet => await _mux.GetDatabase().SortedSetLengthAsync(key),
                RedisType.Hash => await _mux.GetDatabase().HashLengthAsync(key),
                _ => 1,
            };
            if (size > 0)
            {
                leftovers.Add(key);
            }
        }

        Assert.Empty(leftovers);
        Assert.Equal((0L, 0L, 0L), await _store.CountAllAsync());
    }

    [Fact]
    public async Task A_users_presence_spans_devices_and_channels()
    {
        await _store.ApplyAsync(new PresenceReport("n1", [Entry("a", "phone", "ann"), Entry("b", "laptop", "ann"), Entry("a", "other", "bob")], [], []));
        var ann = await _store.GetUserAsync("ann");
        Assert.Equal([("a", "phone"), ("b", "laptop")], ann.Select(p => (p.Channel, p.Client)).Order());
        Assert.Equal((3L, 2L, 2L), await _store.CountAllAsync());

        await _store.ApplyAsync(new PresenceReport("n1", [], [new PresenceLeave("a", "phone")], []));
        Assert.Equal([("b", "laptop")], (await _store.GetUserAsync("ann")).Select(p => (p.Channel, p.Client)));
    }

    private async Task<ConcurrentQueue<DeliveryEvent>> ListenAsync(string channel)
    {
        var received = new ConcurrentQueue<DeliveryEvent>();
        var queue = await _mux.GetSubscriber().SubscribeAsync(ChannelKeys.Delivery(channel, sharded: false));
        queue.OnMessage(message => received.Enqueue(DeliveryMessage.Decode((byte[])message.Message!)));
        return received;
    }

    [Fact]
    public async Task A_channel_named_like_a_users_key_and_that_user_keep_their_own_presence()
    {
        // Unescaped, channel "user:42" and user 42's presence across channels shared one key.
        await _store.ApplyAsync(new PresenceReport("n1", [Entry("user:42", "phone", "ann"), Entry("lobby", "laptop", "42")], [], []));

        Assert.Equal(["phone"], (await _store.GetAsync("user:42")).Keys);
        Assert.Equal(new PresenceStatsResponse(1, 1), await _store.GetStatsAsync("user:42"));
        Assert.Equal([("lobby", "laptop")], (await _store.GetUserAsync("42")).Select(p => (p.Channel, p.Client)));
        Assert.Empty(await _store.GetUserAsync("user:42"));
    }

    [Fact]
    public async Task Channels_differing_only_in_braces_and_escapes_are_kept_apart()
    {
        await _store.ApplyAsync(new PresenceReport("n1", [Entry("a}", "c1", "u1"), Entry("a%7D", "c2", "u2"), Entry("}a", "c3", "u3")], [], []));

        Assert.Equal(["c1"], (await _store.GetAsync("a}")).Keys);
        Assert.Equal(["c2"], (await _store.GetAsync("a%7D")).Keys);
        Assert.Equal(["c3"], (await _store.GetAsync("}a")).Keys);
    }

    private static PresenceEntry Entry(string channel, string client, string user) => new(channel, client, user, null, null);

    private sealed class ManualTime(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public void Advance(TimeSpan by) => _now += by;

        public override DateTimeOffset GetUtcNow() => _now;
    }
}
