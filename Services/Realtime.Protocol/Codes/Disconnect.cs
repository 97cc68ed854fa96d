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

    /// <summary>RFC 6455 §5.5: a close frame's body is at most 125 bytes, two of them the code.</summary>
    public const int MaxReasonBytes = 123;

    /// <summary>
    /// Whether an application (server API, proxy) may disconnect with this code: 3000-4999,
    /// Centrifugo's range. Anything else is reserved by RFC 6455 or invalid in a close frame,
    /// and would reach the client as an abnormal close it retries.
    /// </summary>
    public static bool IsApplicationCode(long code) => code is >= 3000 and <= 4999;

    /// <summary>The reason cut to <see cref="MaxReasonBytes"/> of UTF-8 without splitting a character.</summary>
    public static string FitReason(string? reason)
    {
        if (string.IsNullOrEmpty(reason))
        {
            return "";
        }

        if (System.Text.Encoding.UTF8.GetByteCount(reason) <= MaxReasonBytes)
        {
            return reason;
        }

        var length = 0;
        var bytes = 0;
        foreach (var rune in reason.EnumerateRunes())
        {
            if (bytes + rune.Utf8SequenceLength > MaxReasonBytes)
            {
                break;
            }

            bytes += rune.Utf8SequenceLength;
            length += rune.Utf16SequenceLength;
        }

        return reason[..length];
    }
}
