namespace Realtime.Auth;

/// <summary>
/// The JWKS endpoint could not be read and no earlier key set is cached, so the token could not be
/// checked either way. Transient: the gateway should answer with error 100 (internal, temporary) so
/// the client retries, rather than reject the token.
/// </summary>
public sealed class TokenKeysUnavailableException : TokenVerificationException
{
    public TokenKeysUnavailableException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public TokenKeysUnavailableException(string message) : base(message)
    {
    }
}
