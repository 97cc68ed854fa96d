namespace Realtime.Protocol.Replies;

/// <summary>A publication as the client sees it: its payload and its place in the channel's stream.</summary>
public sealed record Publication
{
    public RawJson Data { get; init; }
    public ClientInfo? Info { get; init; }
    public ulong Offset { get; init; }
    public IReadOnlyDictionary<string, string>? Tags { get; init; }
    /// <summary>Unix time in milliseconds when it was published; 0 when not sent.</summary>
    public long Time { get; init; }

    /// <summary>
    /// How <see cref="Data"/> goes on the wire: as JSON (the default), or — for a subscriber that
    /// negotiated delta compression — as a JSON string holding the payload or a fossil delta.
    /// </summary>
    public PublicationDataForm Form { get; init; }

    /// <summary>The fossil delta against the previous publication, for <see cref="PublicationDataForm.Delta"/>.</summary>
    public ReadOnlyMemory<byte> DeltaBytes { get; init; }
}

public enum PublicationDataForm
{
    Json,
    /// <summary>The payload's bytes as a JSON string, <c>"delta": false</c>: a delta subscriber's new base.</summary>
    FullString,
    /// <summary>A fossil delta (<see cref="Publication.DeltaBytes"/>) as a JSON string, with <c>"delta": true</c>.</summary>
    Delta,
}
