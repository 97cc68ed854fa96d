using Realtime.Protocol.Codes;

namespace Realtime.Connection.Hub;

/// <summary>
/// One client's subscription to one channel on this node. While the subscribe command is being
/// answered, live publications are held back and released right after the reply, skipping any
/// the reply already covered, so the client sees its stream without gaps or repeats.
/// </summary>
internal sealed class ChannelSubscription(string channel, ISubscriber subscriber)
{
    private readonly Lock _gate = new();
    private List<(ReadOnlyMemory<byte> Frame, ulong Offset)>? _heldBack = [];
    private ulong _lastOffset;

    public string Channel { get; } = channel;

    public ISubscriber Subscriber { get; } = subscriber;

    /// <summary>Called by the hub for each live publication, from Redis' delivery thread.</summary>
    public void Deliver(ReadOnlyMemory<byte> frame, ulong offset)
    {
        lock (_gate)
        {
            if (_heldBack is not null)
            {
                _heldBack.Add((frame, offset));
                return;
            }

            if (offset != 0)
            {
                if (offset <= _lastOffset)
                {
                    return; // Already delivered (through recovery or an earlier copy).
                }

                _lastOffset = offset;
            }

            Subscriber.Push(frame);
        }
    }

    /// <summary>
    /// Ends the held-back phase: the subscribe reply (already queued by the caller) brought the
    /// client to <paramref name="position"/>; held-back publications after it are pushed now.
    /// </summary>
    public void Activate(ulong position)
    {
        lock (_gate)
        {
            _lastOffset = position;
            var held = _heldBack!;
            _heldBack = null;
            foreach (var (frame, offset) in held)
            {
                if (offset != 0)
                {
                    if (offset <= _lastOffset)
                    {
                        continue;
                    }

                    _lastOffset = offset;
                }

                Subscriber.Push(frame);
            }
        }
    }
}

/// <summary>The receiving end of a subscription: a client session.</summary>
internal interface ISubscriber
{
    /// <summary>Queues a push frame; a subscriber that cannot keep up disconnects itself.</summary>
    void Push(ReadOnlyMemory<byte> frame);

    void Disconnect(Disconnect disconnect);
}
