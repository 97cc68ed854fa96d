namespace Realtime.Auth;

/// <summary>
/// Base of every token verification failure. Messages describe the failure, never the token, so
/// they may be logged and returned to clients.
/// </summary>
public abstract class TokenVerificationException : Exception
{
    private protected TokenVerificationException(string message) : base(message)
    {
    }

    private protected TokenVerificationException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
