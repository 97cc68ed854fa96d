using Realtime.Protocol;

namespace Realtime.Gateway.Hub;

/// <summary>
/// One client's subscription to one channel on this node. While the subscribe command is being
/// answered, live publications are held back and released right after the reply, skipping any
/// the reply already covered, so the client sees its stream without gaps or repeats. A
/// positioned subscription also watches for gaps in the live stream and makes the client
/// recover when one appears.
/// </summary>
internal sealed class ChannelSubscription(string channel, ISubscriber subscriber, bool positioned = false)
{
    private readonly Lock _gate = new();
    private readonly bool _protobuf = subscriber.Format == ProtocolFormat.Protobuf;
    // A held-back publication (Publication set) or join/leave push (PresenceFrame).
    private List<(PublicationFrames? Publication, ReadOnlyMemory<byte> PresenceFrame, ulong Offset, string? Epoch)>? _heldBack = [];
    private ulong _lastOffset;
    private long _lastSequence;
    private string? _epoch;
    private bool _broken;

    public string Channel { get; } = channel;

    public ISubscriber Subscriber { get; } = subscriber;

    public bool Positioned { get; } = positioned;

    /// <summary>Whether this subscriber negotiated fossil delta compression.</summary>
    public bool Delta { get; init; }

    /// <summary>Whether this subscriber receives join and leave pushes.</summary>
    public bool PushJoinLeave { get; init; }

    /// <summary>Channel info from the subscription token or proxy, shown in presence and join/leave.</summary>
    public RawJson ChannelInfo { get; init; }

    private long _expiresAtUnixMs;

    /// <summary>When the subscription's credentials run out unless refreshed (read by the heartbeat timer).</summary>
    public DateTimeOffset? ExpiresAt
    {
        get => Volatile.Read(ref _expiresAtUnixMs) is var ms and > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
        set => Volatile.Write(ref _expiresAtUnixMs, value?.ToUnixTimeMilliseconds() ?? 0);
    }

    /// <summary>Called by the hub for each live publication, from Redis' delivery thread.</summary>
    public void Deliver(PublicationFrames frames, ulong offset, string epoch)
    {
        lock (_gate)
        {
            if (_heldBack is not null)
            {
                _heldBack.Add((frames, default, offset, epoch));
                return;
            }

            PushInOrder(frames, offset, epoch);
        }
    }

    /// <summary>Whether this subscriber speaks Protobuf (it is sent those frames, not JSON).</summary>
    public bool Protobuf => _protobuf;

    /// <summary>Join and leave pushes carry no offset; they go out in arrival order.</summary>
    public void DeliverPresenceEvent(ReadOnlyMemory<byte> json, ReadOnlyMemory<byte> protobuf = default)
    {
        if (!PushJoinLeave)
        {
            return;
        }

        var frame = _protobuf ? protobuf : json;
        lock (_gate)
        {
            if (_heldBack is not null)
            {
                _heldBack.Add((null, frame, 0, null));
                return;
            }

            if (!_broken)
            {
                Subscriber.Push(frame);
            }
        }
    }

    /// <summary>
    /// Ends the held-back phase: the subscribe reply (already queued by the caller) brought the
    /// client to <paramref name="position"/> in <paramref name="epoch"/>; held-back publications
    /// after it are pushed now.
    /// </summary>
    public void Activate(ulong position, string? epoch)
    {
        lock (_gate)
        {
            _lastOffset = position;
            _epoch = string.IsNullOrEmpty(epoch) ? null : epoch;
            var held = _heldBack!;
            _heldBack = null;
            foreach (var (publication, presenceFrame, offset, heldEpoch) in held)
            {
                if (publication is null)
                {
                    Subscriber.Push(presenceFrame);
                }
                else
                {
                    PushInOrder(publication, offset, heldEpoch!);
                }
            }
        }
    }

    private void PushInOrder(PublicationFrames frames, ulong offset, string epoch)
    {
        if (_broken)
        {
            return;
        }

        if (offset == 0)
        {
            Subscriber.Push(FrameFor(frames));
            return;
        }

        if (_epoch is not null && epoch != _epoch)
        {
            // The stream was reset: old positions are void, the client has to start over.
            Break();
            return;
        }

        if (offset <= _lastOffset)
        {
            return; // Already delivered (through recovery or an earlier copy).
        }

        if (Positioned && offset != _lastOffset + 1)
        {
            Break();
            return;
        }

        _lastOffset = offset;
        _epoch ??= epoch;
        Subscriber.Push(FrameFor(frames));
    }

    /// <summary>
    /// The plain push, or for a delta subscriber the delta when its base is the publication this
    /// subscriber received last (else the full payload, its new base).
    /// </summary>
    private ReadOnlyMemory<byte> FrameFor(PublicationFrames frames)
    {
        if (!Delta)
        {
            return _protobuf ? frames.Protobuf : frames.Json;
        }

        var baseReceived = _lastSequence == frames.Sequence - 1;
        _lastSequence = frames.Sequence;
        return _protobuf
            ? (baseReceived && !frames.ProtobufDelta.IsEmpty ? frames.ProtobufDelta : frames.Protobuf)
            : (baseReceived && !frames.Delta.IsEmpty ? frames.Delta : frames.FullString);
    }

    private void Break()
    {
        _broken = true;
        Subscriber.InsufficientState(this);
    }
}

/// <summary>The receiving end of a subscription: a client session.</summary>
internal interface ISubscriber
{
    /// <summary>The encoding of the frames this subscriber is sent.</summary>
    ProtocolFormat Format { get; }

    /// <summary>Queues a push frame; a subscriber that cannot keep up disconnects itself.</summary>
    void Push(ReadOnlyMemory<byte> frame);

    /// <summary>The subscription lost its place in the stream; the client must resubscribe and recover.</summary>
    void InsufficientState(ChannelSubscription subscription);
}
