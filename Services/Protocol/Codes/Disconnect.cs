namespace Realtime.Protocol.Codes;

/// <summary>
/// Why the server closes a connection, sent as the WebSocket close code and reason.
/// Codes below 3500 tell the client SDK to reconnect; 3500–3999 are terminal.
/// </summary>
public readonly record struct Disconnect(ushort Code, string Reason)
{
    public bool Reconnect => Code < 3500 || Code >= 5000 || (Code >= 4000 && Code < 4500);

    public static readonly Disconnect ConnectionClosed = new(3000, "connection closed");
    public static readonly Disconnect Shutdown = new(3001, "shutdown");
    public static readonly Disconnect ServerError = new(3004, "internal server error");
    public static readonly Disconnect Expired = new(3005, "connection expired");
    public static readonly Disconnect SubscriptionExpired = new(3006, "subscription expired");
    public static readonly Disconnect Slow = new(3008, "slow");
    public static readonly Disconnect WriteError = new(3009, "write error");
    public static readonly Disconnect InsufficientState = new(3010, "insufficient state");
    public static readonly Disconnect ForceReconnect = new(3011, "force reconnect");
    public static readonly Disconnect NoPong = new(3012, "no pong");
    public static readonly Disconnect TooManyRequests = new(3013, "too many requests");

    public static readonly Disconnect InvalidToken = new(3500, "invalid token");
    public static readonly Disconnect BadRequest = new(3501, "bad request");
    public static readonly Disconnect Stale = new(3502, "stale");
    public static readonly Disconnect ForceNoReconnect = new(3503, "force disconnect");
    public static readonly Disconnect ConnectionLimit = new(3504, "connection limit");
    public static readonly Disconnect ChannelLimit = new(3505, "channel limit");
    public static readonly Disconnect InappropriateProtocol = new(3506, "inappropriate protocol");
    public static readonly Disconnect PermissionDenied = new(3507, "permission denied");
    public static readonly Disconnect NotAvailable = new(3508, "not available");
    public static readonly Disconnect TooManyErrors = new(3509, "too many errors");
    public static readonly Disconnect MessageSizeLimit = new(3510, "message size limit exceeded");
}
