using Realtime.Bench.Clients;

namespace Realtime.Bench.Measurement;

/// <summary>
/// What one subscriber of one channel received, across all its connections: every publication
/// once, in channel order (offsets strictly increasing) and in each publisher's order.
/// </summary>
internal sealed class SubscriberTrack(int subscriber, int channel)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<int, (BitSet Received, long Highest)> _byPublisher = [];

    public int Subscriber { get; } = subscriber;

    public int Channel { get; } = channel;

    /// <summary>Where the subscriber is in the channel's stream: what it recovers from after a reconnect.</summary>
    public StreamPosition Position { get; private set; }

    public long Unique { get; private set; }

    public long Duplicates { get; private set; }

    public long OutOfOrder { get; private set; }

    /// <summary>The stream position the subscribe reply gave (the epoch to recover in).</summary>
    public void Positioned(StreamPosition position)
    {
        lock (_gate)
        {
            if (position.Offset >= Position.Offset || position.Epoch != Position.Epoch)
            {
                Position = position;
            }
        }
    }

    /// <summary>Counts a received publication; true when it is the first copy.</summary>
    public bool Record(in ReceivedPublication publication)
    {
        lock (_gate)
        {
            if (!_byPublisher.TryGetValue(publication.Sender, out var seen))
            {
                seen = (new BitSet(), -1);
            }

            if (!seen.Received.Add(publication.Sequence))
            {
                Duplicates++;
                return false;
            }

            Unique++;
            var outOfOrder = publication.Sequence < seen.Highest
                || (publication.Offset > 0 && publication.Offset <= Position.Offset);
            if (outOfOrder)
            {
                OutOfOrder++;
            }

            _byPublisher[publication.Sender] = (seen.Received, Math.Max(seen.Highest, publication.Sequence));
            if (publication.Offset > Position.Offset)
            {
                Position = Position with { Offset = publication.Offset };
            }

            return true;
        }
    }

    /// <summary>The sequences received from one publisher (null when none).</summary>
    public BitSet? ReceivedFrom(int sender)
    {
        lock (_gate)
        {
            return _byPublisher.TryGetValue(sender, out var seen) ? seen.Received : null;
        }
    }
}
