using Realtime.Messaging.Log;
using Realtime.Testing;
using Xunit.Abstractions;

namespace Realtime.Messaging.Tests;

/// <summary>Consumer-group membership changes on the Kafka transport.</summary>
public sealed class KafkaRebalanceTests(ITestOutputHelper output) : KafkaTestBase(output)
{
    [Theory]
    [InlineData(null)] // the transport's default: cooperative-sticky (incremental revocation)
    [InlineData("range")] // an eager assignor: everything is revoked on every change
    public async Task Two_members_keep_per_key_order_and_lose_nothing_when_one_joins_and_the_other_leaves(string? assignor)
    {
        if (assignor is not null)
        {
            ConsumerSettings["partition.assignment.strategy"] = assignor;
        }

        // Small batches and a slow handler build a backlog of fetched records, so revocations find
        // records in flight: the case where a member could handle and commit work it no longer owns.
        Messaging.BatchSize = 20;
        Cluster.CreateTopic("handover", partitions: 6);
        var producer = NewProducer();
        var keys = Enumerable.Range(0, 12).Select(k => $"channel-{k}").ToArray();
        await ProduceRoundsAsync(producer, keys, 0, 50);

        var log = new HandledLog();
        var delay = TimeSpan.FromMilliseconds(20);
        var first = await StartConsumerAsync(new TestHandler("handover", log, "A") { Delay = delay }, "A");
        await Eventually.TrueAsync(() => Task.FromResult(log.CountBy("A") >= 100), Timeout, "A to be consuming");

        // B joins while records keep coming: the group rebalances and A gives B some partitions.
        // Production goes on until B has handled some: on a loaded machine the rebalance can take
        // seconds, and B's partitions hold nothing for it once A has handled what was there.
        using var bConsuming = new CancellationTokenSource();
        var joining = ProduceRoundsUntilAsync(producer, keys, 50, bConsuming.Token);
        var second = await StartConsumerAsync(new TestHandler("handover", log, "B") { Delay = delay }, "B");
        try
        {
            await Eventually.TrueAsync(() => Task.FromResult(log.CountBy("B") >= 20), Timeout, "B to get partitions");
        }
        finally
        {
            await bConsuming.CancelAsync();
        }

        var produced = await joining;

        // A is shown keeping its share on records produced after the handover: they land on every
        // partition, A's among them.
        var handledByA = log.CountBy("A");
        var perKey = produced + 50;
        var producing = ProduceRoundsAsync(producer, keys, produced, perKey);
        await Eventually.TrueAsync(() => Task.FromResult(log.CountBy("A") > handledByA), Timeout, "A to keep the rest");

        // A leaves: B takes everything over.
        await first.DisposeAsync();
        await producing;
        await CommittedAsync("handover", "group", keys.Length * perKey, "every offset committed");
        await second.DisposeAsync();

        AssertEveryKeyHandedOverInOrder(log, keys, perKey, redeliveredOnlyAtHandover: assignor is null);

        Assert.Equal(HighWatermarks("handover"), Committed("handover", "group"));
    }

    private void AssertEveryKeyHandedOverInOrder(HandledLog log, string[] keys, int perKey, bool redeliveredOnlyAtHandover)
    {
        var handled = log.Snapshot();
        Output.WriteLine($"{perKey} records per key; A handled {handled.Count(h => h.Member == "A")}, B handled {handled.Count(h => h.Member == "B")}, {handled.Count - keys.Length * perKey} redelivered");
        foreach (var key in keys)
        {
            AssertHandedOverInOrder(key, handled.Where(h => h.Record.Key == key).ToList(), perKey, redeliveredOnlyAtHandover);
        }
    }

    /// <summary>
    /// Per-key order under at-least-once delivery: every record of the key was handled (nothing
    /// lost); none was handled before all earlier ones had been (no overtaking); one member at a
    /// time — the key moves from A to B once and never back, which two members handling the same
    /// partition concurrently would break. With cooperative-sticky a record is handled again only
    /// at that handover (B resuming from A's last successful commit); an eager assignor revokes
    /// everything while the group is preparing the rebalance, when the mock refuses commits, so
    /// a member may also take its own partitions back from an older commit.
    /// </summary>
    private static void AssertHandedOverInOrder(string key, List<HandledLog.Handled> handled, int perKey, bool redeliveredOnlyAtHandover)
    {
        var sequence = handled.Select(h => int.Parse(h.Payload[(key.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var members = handled.Select(h => h.Member).ToList();
        var shown = $"{key}: " + string.Join(" ", handled.Select((h, i) => $"{h.Member}{sequence[i]}"));

        Assert.True(Enumerable.Range(0, perKey).All(sequence.Contains), "lost records: " + shown);
        var highest = -1;
        for (var i = 0; i < sequence.Count; i++)
        {
            Assert.True(sequence[i] <= highest + 1, $"record {sequence[i]} overtook {highest + 1}: {shown}");
            if (redeliveredOnlyAtHandover && i > 0 && sequence[i] != sequence[i - 1] + 1)
            {
                Assert.True(members[i] != members[i - 1], $"redelivery without a handover at {i}: {shown}");
            }

            highest = Math.Max(highest, sequence[i]);
        }

        var switches = members.Zip(members.Skip(1)).Count(pair => pair.First != pair.Second);
        Assert.True(switches <= 1 && (switches == 0 || members[0] == "A"), "members interleaved: " + shown);
    }

    /// <summary>
    /// Produces a round every 20 ms (about what the two members handle together, so the backlog
    /// stays small however long the rebalance takes) from <paramref name="from"/> until told to
    /// stop or for 20 s; returns the round it stopped before.
    /// </summary>
    private static async Task<int> ProduceRoundsUntilAsync(ILogProducer producer, string[] keys, int from, CancellationToken stop)
    {
        using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        var round = from;
        while (!stop.IsCancellationRequested && round < from + 1_000)
        {
            await ProduceRoundAsync(producer, keys, round++);
            await pace.WaitForNextTickAsync(CancellationToken.None);
        }

        return round;
    }

    private static async Task ProduceRoundsAsync(ILogProducer producer, string[] keys, int from, int to)
    {
        await Task.Yield();
        for (var i = from; i < to; i++)
        {
            await ProduceRoundAsync(producer, keys, i);
        }
    }

    // One record per key in flight at a time: each key's records are appended in order.
    private static Task ProduceRoundAsync(ILogProducer producer, string[] keys, int round) =>
        Task.WhenAll(keys.Select(key => AppendAsync(producer, "handover", key, $"{key}:{round}")));
}
