using Microsoft.Extensions.Options;
using Realtime.Contracts;
using Realtime.Presence;
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
        _store = new PresenceStore(_mux, Options.Create(new PresenceOptions { EntryTtl = TimeSpan.FromSeconds(20) }), _time);
    }

    public async Task DisposeAsync()
    {
        await _mux.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Joins_and_leaves_in_one_report_each()
    {
        await _store.ApplyAsync(new PresenceReport("n1", [Entry("room", "c1", "u1"), Entry("room", "c2", "u1"), Entry("room", "c3", "u2")], [], []));
        var present = await _store.GetAsync("room");
        Assert.Equal(["c1", "c2", "c3"], present.Keys.Order());
        Assert.Equal("u2", present["c3"].User);

        await _store.ApplyAsync(new PresenceReport("n1", [], [new PresenceLeave("room", "c2")], []));
        Assert.Equal(["c1", "c3"], (await _store.GetAsync("room")).Keys.Order());
    }

    [Fact]
    public async Task Entries_not_refreshed_within_the_ttl_disappear()
    {
        await _store.ApplyAsync(new PresenceReport("n1", [Entry("ttl", "stale", "u1"), Entry("ttl", "fresh", "u2")], [], []));
        _time.Advance(TimeSpan.FromSeconds(15));
        await _store.ApplyAsync(new PresenceReport("n1", [], [], [Entry("ttl", "fresh", "u2")]));
        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(["fresh"], (await _store.GetAsync("ttl")).Keys);
    }

    [Fact]
    public async Task A_channel_that_empties_leaves_no_keys()
    {
        await _store.ApplyAsync(new PresenceReport("n1", [Entry("empty", "c1", "u1")], [], []));
        await _store.ApplyAsync(new PresenceReport("n1", [], [new PresenceLeave("empty", "c1")], []));

        Assert.Empty(await _store.GetAsync("empty"));
        Assert.False(await _mux.GetDatabase().KeyExistsAsync("rt:{empty}:presence"));
        Assert.False(await _mux.GetDatabase().KeyExistsAsync("rt:{empty}:presence:exp"));
    }

    private static PresenceEntry Entry(string channel, string client, string user) => new(channel, client, user, null, null);

    private sealed class ManualTime(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public void Advance(TimeSpan by) => _now += by;

        public override DateTimeOffset GetUtcNow() => _now;
    }
}
