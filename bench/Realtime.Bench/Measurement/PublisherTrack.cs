namespace Realtime.Bench.Measurement;

/// <summary>What one publisher sent to its channel and which of it the server acknowledged.</summary>
internal sealed class PublisherTrack(int sender, int channel)
{
    private readonly BitSet _acked = new();
    private long _next = -1;
    private int _failed;

    public int Sender { get; } = sender;

    public int Channel { get; } = channel;

    /// <summary>Sequences handed out so far.</summary>
    public long Sent => Volatile.Read(ref _next) + 1;

    public int Failed => Volatile.Read(ref _failed);

    public int Acked
    {
        get
        {
            lock (_acked)
            {
                return _acked.Count;
            }
        }
    }

    /// <summary>The next publication's sequence (dense from 0).</summary>
    public long NextSequence() => Interlocked.Increment(ref _next);

    public void OnReply(long sequence, int errorCode)
    {
        if (errorCode != 0)
        {
            Interlocked.Increment(ref _failed);
            return;
        }

        lock (_acked)
        {
            _acked.Add(sequence);
        }
    }

    /// <summary>Acknowledged publications the subscriber never got.</summary>
    public int MissingFrom(BitSet? received)
    {
        lock (_acked)
        {
            return _acked.CountMissingFrom(received);
        }
    }
}
