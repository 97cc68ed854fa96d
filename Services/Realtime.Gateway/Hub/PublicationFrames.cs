namespace Realtime.Gateway.Hub;

/// <summary>
/// One publication as this node sends it, each form encoded once for all its local subscribers
/// and only when one of them needs it: the plain JSON push; when some JSON subscriber negotiated
/// delta compression, the payload as a JSON string (a new delta base) and the fossil delta against
/// the channel's previous publication; and the same in Protobuf for Protobuf subscribers (whose
/// full push is also their delta base: bytes need no string form).
/// </summary>
/// <param name="Json">The plain JSON push, encoded once for every JSON subscriber.</param>
/// <param name="Sequence">The publication's place among the channel's publications on this node,
/// so a subscriber can tell whether the delta's base is the publication it last received.</param>
internal sealed record PublicationFrames(ReadOnlyMemory<byte> Json, long Sequence)
{
    public ReadOnlyMemory<byte> FullString { get; init; }

    /// <summary>Empty when there is no base to diff against or the delta would not be smaller.</summary>
    public ReadOnlyMemory<byte> Delta { get; init; }

    public ReadOnlyMemory<byte> Protobuf { get; init; }

    /// <summary>Empty when <see cref="Delta"/>'s conditions are not met.</summary>
    public ReadOnlyMemory<byte> ProtobufDelta { get; init; }
}
