using Microsoft.Extensions.Logging.Abstractions;
using Realtime.Messaging.RedisStreams;
using Realtime.Testing;
using StackExchange.Redis;

namespace Realtime.Messaging.Tests;

/// <summary>
/// A consumer-group member that dies holding leases is noticed through its Redis connection:
/// a survivor takes its partitions at its next rebalance instead of after the lease TTL (here
/// five minutes, so only the fast path can pass), and a live member is never taken for dead.
/// </summary>
public sealed class DepartedMembersTests : IAsyncLifetime
{
    private const int Partitions = 8;
    private static readonly TimeSpan LongTtl = TimeSpan.FromMinutes(5);
    private RedisServer _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    private static PartitionLeases Member(ConnectionMultiplexer mux, string name) =>
        new(mux.GetDatabase(), "topic", "group", name, Partitions, LongTtl, new DepartedMembers(mux, "topic", "group", name, Partitions, NullLogger.Instance));

    [Fact]
    public async Task A_survivor_takes_a_dead_members_partitions_at_its_next_rebalance()
    {
        var dyingConnection = await _redis.ConnectAsync();
        await using var survivorConnection = await _redis.ConnectAsync();
        var dying = Member(dyingConnection, "dying");
        var survivor = Member(survivorConnection, "survivor");

        await dying.RebalanceAsync();
        Assert.Equal(Partitions, dying.Owned().Length);
        await survivor.RebalanceAsync();
        await survivor.RebalanceAsync();
        Assert.Empty(survivor.Owned()); // alive and holding them: nothing is taken from it

        // The process dies: its kernel closes its sockets, it releases nothing.
        dyingConnection.Dispose();

        await Eventually.TrueAsync(async () =>
        {
            await survivor.RebalanceAsync();
            return survivor.Owned().Length == Partitions;
        }, TimeSpan.FromSeconds(10), "the survivor to hold every partition");
    }

    [Fact]
    public async Task Members_that_stay_connected_share_the_partitions_and_keep_them()
    {
        await using var a = await _redis.ConnectAsync();
        await using var b = await _redis.ConnectAsync();
        var first = Member(a, "first");
        var second = Member(b, "second");
        for (var round = 0; round < 3; round++)
        {
            await first.RebalanceAsync();
            await second.RebalanceAsync();
        }

        Assert.Equal(Partitions / 2, first.Owned().Length);
        Assert.Equal(Partitions / 2, second.Owned().Length);
        Assert.Empty(first.Owned().Intersect(second.Owned()));
    }

    [Fact]
    public async Task A_member_that_left_gracefully_is_not_judged_and_its_leases_are_free()
    {
        await using var a = await _redis.ConnectAsync();
        await using var b = await _redis.ConnectAsync();
        var leaving = Member(a, "leaving");
        var staying = Member(b, "staying");
        await leaving.RebalanceAsync();
        await leaving.ReleaseAllAsync();
        await staying.RebalanceAsync();
        Assert.Equal(Partitions, staying.Owned().Length);
        Assert.DoesNotContain((RedisValue)"leaving", await b.GetDatabase().SetMembersAsync(RedisStreamKeys.Watched("topic", "group")));
    }
}
