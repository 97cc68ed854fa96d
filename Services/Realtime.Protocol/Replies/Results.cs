namespace Realtime.Protocol.Replies;

// The result messages of client.proto that carry fields. Results with no fields (unsubscribe,
// publish, ping) are written by name alone.

public sealed record ConnectResult
{
    public required string Client { get; init; }
    public string Version { get; init; } = "";
    public bool Expires { get; init; }
    public uint Ttl { get; init; }
    public RawJson Data { get; init; }
    public IReadOnlyDictionary<string, SubscribeResult>? Subs { get; init; }
    /// <summary>Seconds between server pings; the SDK uses it to detect a dead connection.</summary>
    public uint Ping { get; init; }
    /// <summary>Whether the server expects the client to answer pings.</summary>
    public bool Pong { get; init; }
    public string? Node { get; init; }
    /// <summary>For emulated transports (HTTP-streaming, SSE): what emulation requests name the session by.</summary>
    public string? Session { get; init; }
}

public sealed record SubscribeResult
{
    public bool Expires { get; init; }
    public uint Ttl { get; init; }
    public bool Recoverable { get; init; }
    public string? Epoch { get; init; }
    public IReadOnlyList<Publication>? Publications { get; init; }
    public bool Recovered { get; init; }
    public ulong Offset { get; init; }
    public bool Positioned { get; init; }
    public RawJson Data { get; init; }
    public bool WasRecovering { get; init; }
    /// <summary>Delta compression negotiated: publications come as fossil deltas or full strings.</summary>
    public bool Delta { get; init; }
}

public sealed record RefreshResult(string Client, string Version, bool Expires, uint Ttl);

public sealed record SubRefreshResult(bool Expires, uint Ttl);

public sealed record PresenceStatsResult(uint NumClients, uint NumUsers);

public sealed record HistoryResult(IReadOnlyList<Publication> Publications, string Epoch, ulong Offset);
