namespace Realtime.Bench.Measurement;

/// <summary>
/// The books of one run: who publishes to which channel, who subscribes, and from that the
/// loss, duplicates and disorder. A publication counts as lost for a subscriber only when the
/// server acknowledged it and the subscriber never received it; unacknowledged publications
/// were never promised.
/// </summary>
internal sealed class DeliveryLedger
{
    private readonly List<PublisherTrack>[] _publishersByChannel;
    private readonly List<SubscriberTrack> _subscribers = [];
    private readonly List<PublisherTrack> _publishers = [];
    private long _unique;

    public DeliveryLedger(int channels)
    {
        _publishersByChannel = new List<PublisherTrack>[channels];
        for (var i = 0; i < channels; i++)
        {
            _publishersByChannel[i] = [];
        }
    }

    public PublisherTrack AddPublisher(int sender, int channel)
    {
        var track = new PublisherTrack(sender, channel);
        _publishersByChannel[channel].Add(track);
        _publishers.Add(track);
        return track;
    }

    public SubscriberTrack AddSubscriber(int subscriber, int channel)
    {
        var track = new SubscriberTrack(subscriber, channel);
        _subscribers.Add(track);
        return track;
    }

    public IReadOnlyList<PublisherTrack> Publishers => _publishers;

    /// <summary>Called once per first copy of a publication at a subscriber.</summary>
    public void CountUnique() => Interlocked.Increment(ref _unique);

    /// <summary>First copies received so far, all subscribers together.</summary>
    public long UniqueDeliveries => Interlocked.Read(ref _unique);

    /// <summary>Deliveries owed: every acknowledged publication to every subscriber of its channel.</summary>
    public long ExpectedDeliveries()
    {
        var subscribersPerChannel = new int[_publishersByChannel.Length];
        foreach (var subscriber in _subscribers)
        {
            subscribersPerChannel[subscriber.Channel]++;
        }

        long expected = 0;
        foreach (var publisher in _publishers)
        {
            expected += (long)publisher.Acked * subscribersPerChannel[publisher.Channel];
        }

        return expected;
    }

    public DeliveryCounts Count()
    {
        long lost = 0, duplicates = 0, outOfOrder = 0, unique = 0;
        var disorderedChannels = new HashSet<int>();
        foreach (var subscriber in _subscribers)
        {
            foreach (var publisher in _publishersByChannel[subscriber.Channel])
            {
                lost += publisher.MissingFrom(subscriber.ReceivedFrom(publisher.Sender));
            }

            duplicates += subscriber.Duplicates;
            unique += subscriber.Unique;
            if (subscriber.OutOfOrder > 0)
            {
                outOfOrder += subscriber.OutOfOrder;
                disorderedChannels.Add(subscriber.Channel);
            }
        }

        long sent = 0, acked = 0, failed = 0;
        foreach (var publisher in _publishers)
        {
            sent += publisher.Sent;
            acked += publisher.Acked;
            failed += publisher.Failed;
        }

        return new DeliveryCounts(sent, acked, failed, unique, lost, duplicates, outOfOrder, disorderedChannels.Count);
    }
}

/// <summary>
/// The ledger's totals: publications sent, acknowledged and refused; first copies delivered;
/// acknowledged publications a subscriber never got (lost); extra copies; and publications that
/// arrived behind a later one of the same channel or publisher.
/// </summary>
internal sealed record DeliveryCounts(long Sent, long Acked, long Failed, long Delivered, long Lost, long Duplicated, long OutOfOrder, int OutOfOrderChannels)
{
    /// <summary>Sent and answered neither way (the run ended, or the connection died first).</summary>
    public long Unanswered => Sent - Acked - Failed;
}
