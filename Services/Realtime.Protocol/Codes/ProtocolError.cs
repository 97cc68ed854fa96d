namespace Realtime.Protocol.Codes;

/// <summary>
/// An error sent in a reply (<c>{"id":1,"error":{"code":103,"message":"permission denied"}}</c>).
/// Codes 100–113 are the ones Centrifugo defines; <see cref="Temporary"/> tells the client SDK
/// it may retry.
/// </summary>
public sealed record ProtocolError(uint Code, string Message, bool Temporary = false)
{
    public static readonly ProtocolError Internal = new(100, "internal server error", Temporary: true);
    public static readonly ProtocolError Unauthorized = new(101, "unauthorized");
    public static readonly ProtocolError UnknownChannel = new(102, "unknown channel");
    public static readonly ProtocolError PermissionDenied = new(103, "permission denied");
    public static readonly ProtocolError MethodNotFound = new(104, "method not found");
    public static readonly ProtocolError AlreadySubscribed = new(105, "already subscribed");
    public static readonly ProtocolError LimitExceeded = new(106, "limit exceeded");
    public static readonly ProtocolError BadRequest = new(107, "bad request");
    public static readonly ProtocolError NotAvailable = new(108, "not available");
    public static readonly ProtocolError TokenExpired = new(109, "token expired");
    public static readonly ProtocolError Expired = new(110, "expired");
    public static readonly ProtocolError TooManyRequests = new(111, "too many requests", Temporary: true);
    public static readonly ProtocolError UnrecoverablePosition = new(112, "unrecoverable position");
    public static readonly ProtocolError TokenRevoked = new(113, "token revoked");
}
