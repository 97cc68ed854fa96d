using Realtime.Protocol;
using Realtime.Protocol.Replies;

namespace Realtime.Messaging.Publications;

/// <summary>
/// A publication on its way through the system: what was published, where, by whom. Its
/// <see cref="Id"/> is unique per publish and makes every later step idempotent.
/// </summary>
public sealed record PublicationEnvelope
{
    public required string Id { get; init; }
    public required string Channel { get; init; }
    public RawJson Data { get; init; }
    public ClientInfo? Info { get; init; }
    public IReadOnlyDictionary<string, string>? Tags { get; init; }
    /// <summary>Unix time in milliseconds when the publish was accepted.</summary>
    public long Time { get; init; }
    /// <summary>
    /// W3C <c>traceparent</c> of the publish, so delivery on every gateway joins the publisher's
    /// trace even though pub/sub carries no headers.
    /// </summary>
    public string? TraceParent { get; init; }

    public static string NewId() => Guid.CreateVersion7().ToString("N");
}

/// <summary>A publication after fanout placed it in its channel's stream.</summary>
public sealed record SequencedPublication(PublicationEnvelope Publication, ulong Offset, string Epoch)
{
    /// <summary>The publication as a subscriber receives it.</summary>
    public Publication ToClientPublication() => new()
    {
        Data = Publication.Data,
        Info = Publication.Info,
        Offset = Offset,
        Tags = Publication.Tags,
    };
}
