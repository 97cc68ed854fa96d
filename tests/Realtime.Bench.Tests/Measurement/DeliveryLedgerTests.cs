using Realtime.Bench.Clients;
using Realtime.Bench.Measurement;

namespace Realtime.Bench.Tests.Measurement;

/// <summary>The ledger's rules, fed directly through its publisher and subscriber tracks.</summary>
public sealed class DeliveryLedgerTests
{
    private const int Channel = 0;
    private readonly DeliveryLedger _ledger = new(channels: 1);

    [Fact]
    public void An_acknowledged_publication_never_received_is_lost()
    {
        var publisher = _ledger.AddPublisher(sender: 0, Channel);
        var subscriber = _ledger.AddSubscriber(subscriber: 1, Channel);
        var delivered = Acknowledged(publisher);
        Acknowledged(publisher);

        subscriber.Record(Publication(0, delivered, offset: 1));

        var counts = _ledger.Count();
        Assert.Equal(1, counts.Lost);
        Assert.Equal(1, counts.Delivered);
        Assert.Equal(2, counts.Acked);
    }

    [Fact]
    public void Loss_is_counted_per_subscriber()
    {
        var publisher = _ledger.AddPublisher(sender: 0, Channel);
        _ledger.AddSubscriber(subscriber: 1, Channel);
        _ledger.AddSubscriber(subscriber: 2, Channel);
        Acknowledged(publisher);

        Assert.Equal(2, _ledger.ExpectedDeliveries());
        Assert.Equal(2, _ledger.Count().Lost);
    }

    [Fact]
    public void A_publication_received_twice_is_one_duplicate_and_not_lost()
    {
        var publisher = _ledger.AddPublisher(sender: 0, Channel);
        var subscriber = _ledger.AddSubscriber(subscriber: 1, Channel);
        var sequence = Acknowledged(publisher);

        Assert.True(subscriber.Record(Publication(0, sequence, offset: 1)));
        Assert.False(subscriber.Record(Publication(0, sequence, offset: 1)));

        var counts = _ledger.Count();
        Assert.Equal(1, counts.Duplicated);
        Assert.Equal(0, counts.Lost);
        Assert.Equal(0, counts.OutOfOrder);
        Assert.Equal(1, counts.Delivered);
    }

    [Fact]
    public void A_publication_arriving_after_a_later_one_of_its_publisher_is_out_of_order()
    {
        var publisher = _ledger.AddPublisher(sender: 0, Channel);
        var subscriber = _ledger.AddSubscriber(subscriber: 1, Channel);
        var first = Acknowledged(publisher);
        var second = Acknowledged(publisher);

        // Offset 0: no channel offset, so only the publisher's sequence can tell.
        subscriber.Record(Publication(0, second, offset: 0));
        subscriber.Record(Publication(0, first, offset: 0));

        var counts = _ledger.Count();
        Assert.Equal(1, counts.OutOfOrder);
        Assert.Equal(1, counts.OutOfOrderChannels);
        Assert.Equal(0, counts.Lost);
    }

    [Fact]
    public void A_publication_whose_offset_is_not_above_the_last_is_out_of_order_even_across_publishers()
    {
        var alice = _ledger.AddPublisher(sender: 0, Channel);
        var bob = _ledger.AddPublisher(sender: 1, Channel);
        var subscriber = _ledger.AddSubscriber(subscriber: 2, Channel);

        // Each publisher's own order is kept; only the channel offsets go backwards, then repeat.
        subscriber.Record(Publication(0, Acknowledged(alice), offset: 5));
        subscriber.Record(Publication(1, Acknowledged(bob), offset: 4));
        subscriber.Record(Publication(1, Acknowledged(bob), offset: 5));

        Assert.Equal(2, _ledger.Count().OutOfOrder);
    }

    [Fact]
    public void A_live_publication_at_or_below_the_subscribe_position_is_out_of_order()
    {
        var publisher = _ledger.AddPublisher(sender: 0, Channel);
        var subscriber = _ledger.AddSubscriber(subscriber: 1, Channel);
        subscriber.Positioned(new StreamPosition(10, "e"));

        subscriber.Record(Publication(0, Acknowledged(publisher), offset: 10));
        subscriber.Record(Publication(0, Acknowledged(publisher), offset: 11));

        Assert.Equal(1, _ledger.Count().OutOfOrder);
        Assert.Equal(new StreamPosition(11, "e"), subscriber.Position);
    }

    [Fact]
    public void A_publication_received_but_never_acknowledged_is_not_lost_and_counts_as_unanswered()
    {
        var publisher = _ledger.AddPublisher(sender: 0, Channel);
        var subscriber = _ledger.AddSubscriber(subscriber: 1, Channel);
        var received = publisher.NextSequence();
        publisher.NextSequence();

        subscriber.Record(Publication(0, received, offset: 1));

        var counts = _ledger.Count();
        Assert.Equal(0, counts.Lost);
        Assert.Equal(2, counts.Sent);
        Assert.Equal(2, counts.Unanswered);
        Assert.Equal(0, _ledger.ExpectedDeliveries());
    }

    [Fact]
    public void A_publication_refused_with_an_error_counts_as_failed_not_lost()
    {
        var publisher = _ledger.AddPublisher(sender: 0, Channel);
        _ledger.AddSubscriber(subscriber: 1, Channel);
        publisher.OnReply(publisher.NextSequence(), errorCode: 103);

        var counts = _ledger.Count();
        Assert.Equal(1, counts.Failed);
        Assert.Equal(0, counts.Acked);
        Assert.Equal(0, counts.Lost);
        Assert.Equal(0, counts.Unanswered);
    }

    private static long Acknowledged(PublisherTrack publisher)
    {
        var sequence = publisher.NextSequence();
        publisher.OnReply(sequence, errorCode: 0);
        return sequence;
    }

    private static ReceivedPublication Publication(int sender, long sequence, ulong offset) =>
        new(sender, sequence, Timestamp: 0, offset);
}
