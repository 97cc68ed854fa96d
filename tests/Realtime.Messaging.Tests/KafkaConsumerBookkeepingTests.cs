using Confluent.Kafka;
using Realtime.Messaging.Kafka;
using Realtime.Messaging.Log;

namespace Realtime.Messaging.Tests;

/// <summary>
/// The Kafka consumer's bookkeeping across rebalances. A revocation that lands in the middle of
/// gathering a batch is a race the mock-cluster tests cannot force (librdkafka normally serves the
/// rebalance at the first poll of a gather), so its effect on the batch is pinned down here.
/// </summary>
public sealed class KafkaConsumerBookkeepingTests
{
    private static readonly TopicPartition P0 = new("t", 0);
    private static readonly TopicPartition P1 = new("t", 1);

    [Fact]
    public void A_revocation_drops_only_the_revoked_partitions_records_and_keeps_the_rest_in_order()
    {
        var batch = new KafkaLogConsumer.PendingBatch(8);
        batch.Add(new TopicPartitionOffset(P0, 10), Record("p0-10"));
        batch.Add(new TopicPartitionOffset(P1, 3), Record("p1-3"));
        batch.Add(new TopicPartitionOffset(P0, 11), Record("p0-11"));
        batch.Add(new TopicPartitionOffset(P1, 4), Record("p1-4"));

        var dropped = batch.Discard([new TopicPartitionOffset(P0, 12)]);

        Assert.Equal(2, dropped);
        Assert.Equal(["p1-3", "p1-4"], batch.Records.Select(r => r.Key));
        // Nothing is committed for the revoked partition: its next owner starts at the last commit.
        Assert.Equal([new TopicPartitionOffset(P1, 5)], batch.Offsets());
    }

    [Fact]
    public void Handled_offsets_refused_by_the_group_are_kept_until_committed_or_revoked()
    {
        var handled = new KafkaLogConsumer.HandledOffsets();
        handled.Add([new TopicPartitionOffset(P0, 5), new TopicPartitionOffset(P1, 7)]);
        handled.Add([new TopicPartitionOffset(P0, 9)]);
        Assert.Equal(2, handled.Count);

        // A commit of P0@9 succeeded: only P1 is still owed.
        handled.Committed([new TopicPartitionOffset(P0, 9)]);
        Assert.Equal([new TopicPartitionOffset(P1, 7)], handled.All());

        // More handled since a commit was sent: the newer offset stays owed.
        handled.Add([new TopicPartitionOffset(P1, 8)]);
        handled.Committed([new TopicPartitionOffset(P1, 7)]);
        Assert.Equal([new TopicPartitionOffset(P1, 8)], handled.All());

        // Revoking P1 hands its owed offset to the revocation commit and forgets it.
        Assert.Equal([new TopicPartitionOffset(P1, 8)], handled.Take([new TopicPartitionOffset(P1, Offset.Unset)]));
        Assert.Equal(0, handled.Count);
    }

    private static LogRecord Record(string key) => new(key, ReadOnlyMemory<byte>.Empty, LogRecord.NoHeaders);
}
