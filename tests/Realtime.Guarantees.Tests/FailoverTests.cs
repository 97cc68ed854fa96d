using System.Diagnostics;
using Realtime.Messaging.Log;
using Realtime.Messaging.RedisStreams;
using Realtime.Testing;
using Xunit.Abstractions;

namespace Realtime.Guarantees.Tests;

/// <summary>
/// A fanout instance SIGKILLed under traffic: the survivor takes its partitions as soon as it
/// rebalances (it sees the dead member's Redis connection gone), not once the dead member's
/// leases expire; nothing is lost or reordered.
/// </summary>
public sealed class FailoverTests(ITestOutputHelper output)
{
    // Leases of 20 s, rebalanced every 5 s: waiting for the dead member's leases to expire would
    // stall its partitions for 13 s or more; the connection check hands them over within 5 s.
    private const string LeaseTtl = "00:00:20";

    [Fact]
    public async Task A_killed_fanout_instances_partitions_move_at_the_survivors_next_rebalance()
    {
        await using var system = await RealtimeSystem.StartAsync(LogTransportKind.RedisStreams, new Dictionary<string, string> { ["Messaging__RedisStreamLeaseTtl"] = LeaseTtl });
        var victim = system.Fanouts[0];
        var holders = await Eventually.ReturnsAsync(() => system.LeaseHoldersAsync(LogTopics.Publications, LogTopics.FanoutGroup),
            h => h.Count == RealtimeSystem.Partitions && h.Values.Distinct().Count() == 2, TimeSpan.FromSeconds(60), "both fanout instances holding partitions");
        var victimPartition = holders.First(h => h.Value == victim.ProcessId).Key;
        var channel = Enumerable.Range(0, 1000).Select(i => $"{RealtimeSystem.Namespace}:failover-{i}-{Guid.NewGuid():N}")
            .First(c => RedisStreamKeys.PartitionOf(c, RealtimeSystem.Partitions) == victimPartition);

        await using var subscriber = await TrackingSubscriber.StartAsync(system.WebSocket(0), channel);
        await using var publisher = new Publisher("failover", channel);
        await publisher.ConnectAsync(system.WebSocket(1));
        Assert.True(await publisher.PublishAsync(5));
        await Eventually.TrueAsync(() => Task.FromResult(subscriber.Count >= 5), TimeSpan.FromSeconds(30), "the first publications");

        victim.Kill();
        var stall = Stopwatch.StartNew();
        Assert.True(await publisher.PublishAsync(1)); // acknowledged: the log has it, on the dead member's partition
        await Eventually.TrueAsync(() => Task.FromResult(subscriber.Count >= 6), TimeSpan.FromSeconds(60), "the publication after the kill");
        stall.Stop();
        output.WriteLine($"deliveries resumed {stall.Elapsed.TotalSeconds:F1} s after the kill (lease TTL {LeaseTtl})");

        Assert.True(stall.Elapsed < TimeSpan.FromSeconds(10), $"deliveries resumed only after {stall.Elapsed.TotalSeconds:F1} s: the partition waited for its lease to expire");
        lock (subscriber.Received)
        {
            Assert.Equal(publisher.Acknowledged, subscriber.Received.Select(r => r.Id));
            Assert.Equal(subscriber.Received.Select(r => r.Offset).Order(), subscriber.Received.Select(r => r.Offset));
        }
    }
}
