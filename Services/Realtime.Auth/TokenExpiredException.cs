namespace Realtime.Auth;

/// <summary>
/// The token was genuine but its <c>exp</c> or <c>expire_at</c> has passed. The gateway answers with
/// error 109 (token expired) so the client SDK fetches a fresh token and retries.
/// </summary>
public sealed class TokenExpiredException : TokenVerificationException
{
    public TokenExpiredException(string message) : base(message)
    {
    }
}
