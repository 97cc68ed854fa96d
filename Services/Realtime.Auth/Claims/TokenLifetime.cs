namespace Realtime.Auth.Claims;

/// <summary>
/// Time checks, done here rather than by the JWT handler so that they follow the injected
/// <see cref="TimeProvider"/> and Centrifugo's rules: <c>exp</c> is optional, a token is expired from
/// the second <c>exp</c> names, and <c>expire_at</c> (0 = never) replaces <c>exp</c> as the expiry of
/// the connection or subscription while <c>exp</c> still bounds the token itself.
/// </summary>
internal static class TokenLifetime
{
    /// <summary>Throws when the token is not yet or no longer valid; returns when the session it opens expires.</summary>
    public static DateTimeOffset? Check(TokenClaims claims, DateTimeOffset now, TimeSpan skew)
    {
        if (claims.NotBefore is { } notBefore && now + skew < notBefore)
        {
            throw new InvalidTokenException("Token is not valid yet (nbf is in the future).");
        }

        if (claims.Expires is { } expires && now - skew >= expires)
        {
            throw new TokenExpiredException("Token has expired (exp).");
        }

        if (claims.ExpireAt is not { } expireAtSeconds)
        {
            return claims.Expires;
        }

        if (expireAtSeconds == 0)
        {
            return null;
        }

        var expireAt = DateTimeOffset.FromUnixTimeSeconds(
            Math.Clamp(expireAtSeconds, DateTimeOffset.MinValue.ToUnixTimeSeconds(), DateTimeOffset.MaxValue.ToUnixTimeSeconds()));
        if (now - skew >= expireAt)
        {
            throw new TokenExpiredException("Token has expired (expire_at).");
        }

        return expireAt;
    }
}
