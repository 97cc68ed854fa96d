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
}
