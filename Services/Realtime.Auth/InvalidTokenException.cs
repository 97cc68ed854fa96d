namespace Realtime.Auth;

/// <summary>
/// The token can never be accepted: malformed, bad signature, disallowed algorithm, wrong
/// audience/issuer, not yet valid, or for another user or channel. The gateway answers
/// connect with disconnect 3500 (invalid token) and subscribe with error 103 (permission denied).
/// </summary>
public sealed class InvalidTokenException : TokenVerificationException
{
    public InvalidTokenException(string message) : base(message)
    {
    }
}
