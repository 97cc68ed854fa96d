namespace Realtime.Protocol.Codes;

/// <summary>
/// Why the server ends one subscription (an <c>unsubscribe</c> push). Codes below 2500 are final
/// for the subscription; 2500–2999 tell the client SDK to resubscribe.
/// </summary>
public readonly record struct Unsubscribe(uint Code, string Reason)
{
    public bool Resubscribe => Code >= 2500;

    public static readonly Unsubscribe Server = new(2000, "server unsubscribe");
    public static readonly Unsubscribe InsufficientState = new(2500, "insufficient state");
    public static readonly Unsubscribe Expired = new(2501, "subscription expired");
}
