namespace Realtime.Protocol.Commands;

// The request messages of client.proto. Fields the JSON protocol carries as embedded JSON are
// RawJson; a request's RawJson slices point into the frame it was read from until detached.

public sealed record ConnectRequest : CommandRequest
{
    public override CommandMethod Method => CommandMethod.Connect;
    public string? Token { get; init; }
    public RawJson Data { get; init; }
    public IReadOnlyDictionary<string, SubscribeRequest>? Subs { get; init; }
    public string? Name { get; init; }
    public string? Version { get; init; }
    public IReadOnlyDictionary<string, string>? Headers { get; init; }
    public long Flag { get; init; }
}

public sealed record SubscribeRequest : CommandRequest
{
    public override CommandMethod Method => CommandMethod.Subscribe;
    public string Channel { get; init; } = "";
    public string? Token { get; init; }
    public bool Recover { get; init; }
    public string? Epoch { get; init; }
    public ulong Offset { get; init; }
    public RawJson Data { get; init; }
    public bool Positioned { get; init; }
    public bool Recoverable { get; init; }
    public bool JoinLeave { get; init; }
    public string? Delta { get; init; }
    /// <summary>A tags filter; accepted on the wire, answered with "not available" when set.</summary>
    public RawJson TagsFilter { get; init; }
    public long Flag { get; init; }
    public int Type { get; init; }
    public int Phase { get; init; }
    public string? Cursor { get; init; }
    public int Limit { get; init; }
    public bool Asc { get; init; }
}

public sealed record UnsubscribeRequest : CommandRequest
{
    public override CommandMethod Method => CommandMethod.Unsubscribe;
    public string Channel { get; init; } = "";
}

public sealed record PublishRequest : CommandRequest
{
    public override CommandMethod Method => CommandMethod.Publish;
    public string Channel { get; init; } = "";
    public RawJson Data { get; init; }
    public int Type { get; init; }
    public string? Key { get; init; }
    public bool Removed { get; init; }
}

public sealed record PresenceRequest : CommandRequest
{
    public override CommandMethod Method => CommandMethod.Presence;
    public string Channel { get; init; } = "";
}

public sealed record PresenceStatsRequest : CommandRequest
{
    public override CommandMethod Method => CommandMethod.PresenceStats;
    public string Channel { get; init; } = "";
}

/// <summary>A position in a channel's stream: the offset of a publication within an epoch.</summary>
public readonly record struct StreamPosition(ulong Offset, string Epoch);

public sealed record HistoryRequest : CommandRequest
{
    public override CommandMethod Method => CommandMethod.History;
    public string Channel { get; init; } = "";
    public int Limit { get; init; }
    public StreamPosition? Since { get; init; }
    public bool Reverse { get; init; }
}

public sealed record PingRequest : CommandRequest
{
    public static readonly PingRequest Instance = new();
    public override CommandMethod Method => CommandMethod.Ping;
}

public sealed record SendRequest : CommandRequest
{
    public override CommandMethod Method => CommandMethod.Send;
    public RawJson Data { get; init; }
}

public sealed record RpcRequest : CommandRequest
{
    public override CommandMethod Method => CommandMethod.Rpc;
    public RawJson Data { get; init; }
    public string? RpcMethod { get; init; }
}

public sealed record RefreshRequest : CommandRequest
{
    public override CommandMethod Method => CommandMethod.Refresh;
    public string? Token { get; init; }
}

public sealed record SubRefreshRequest : CommandRequest
{
    public override CommandMethod Method => CommandMethod.SubRefresh;
    public string Channel { get; init; } = "";
    public string? Token { get; init; }
}
