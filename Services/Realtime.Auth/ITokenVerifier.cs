namespace Realtime.Auth;

/// <summary>
/// Verifies Centrifugo connection and subscription JWTs. Failures throw
/// <see cref="InvalidTokenException"/>, <see cref="TokenExpiredException"/> or
/// <see cref="TokenKeysUnavailableException"/>, all <see cref="TokenVerificationException"/>s.
/// </summary>
public interface ITokenVerifier
{
    /// <summary>Verifies the token a client sends in its <c>connect</c> (or <c>refresh</c>) command.</summary>
    ValueTask<ConnectionToken> VerifyConnectionTokenAsync(string token, CancellationToken cancellationToken);

    /// <summary>
    /// Verifies the token of a <c>subscribe</c> (or <c>sub_refresh</c>) command: its <c>sub</c> must equal
    /// <paramref name="expectedUser"/> (the connection's user, empty for anonymous) and its <c>channel</c>
    /// must equal <paramref name="expectedChannel"/>.
    /// </summary>
    ValueTask<SubscriptionToken> VerifySubscriptionTokenAsync(
        string token, string expectedUser, string expectedChannel, CancellationToken cancellationToken);
}
