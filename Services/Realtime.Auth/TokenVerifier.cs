using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Realtime.Auth.Claims;
using Realtime.Auth.Keys;

namespace Realtime.Auth;

/// <summary>
/// <see cref="ITokenVerifier"/> on <see cref="JsonWebTokenHandler"/>. Order of checks: parse, algorithm
/// allowed by a configured key kind, signature (with aud/iss), then time, then the token kind's own
/// claims, so that nothing about an unsigned or forged token is revealed beyond "invalid".
/// </summary>
public sealed class TokenVerifier : ITokenVerifier
{
    /// <summary>Name of the <see cref="HttpClient"/> used to fetch JWKS.</summary>
    public const string JwksHttpClientName = "jwks";

    private readonly JsonWebTokenHandler _handler = new();
    private readonly KeySet _connectionKeys;
    private readonly KeySet _subscriptionKeys;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _clockSkew;

    public TokenVerifier(
        IOptions<TokenOptions> options,
        IHttpClientFactory httpClientFactory,
        TimeProvider timeProvider,
        ILogger<TokenVerifier> logger)
    {
        var settings = options.Value;
        var errors = settings.Validate();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException($"{TokenOptions.SectionName} is invalid: {string.Join("; ", errors)}");
        }

        _timeProvider = timeProvider;
        _clockSkew = settings.ClockSkew;
        _connectionKeys = KeySet.Create(settings, httpClientFactory, timeProvider, logger);
        _subscriptionKeys = settings.Subscription.HasAnyKey
            ? KeySet.Create(settings.Subscription, httpClientFactory, timeProvider, logger)
            : _connectionKeys;
    }

    public async ValueTask<ConnectionToken> VerifyConnectionTokenAsync(string token, CancellationToken cancellationToken)
    {
        var claims = await VerifySignatureAsync(token, _connectionKeys, cancellationToken).ConfigureAwait(false);
        var expiresAt = TokenLifetime.Check(claims, _timeProvider.GetUtcNow(), _clockSkew);

        // Centrifugo refuses a subscription token (it carries "channel") as a connection token.
        if (claims.Channel is not null)
        {
            throw new InvalidTokenException("A subscription token cannot be used to connect.");
        }

        return new ConnectionToken(claims.Subject, expiresAt, claims.Info, claims.Channels);
    }

    public async ValueTask<SubscriptionToken> VerifySubscriptionTokenAsync(
        string token, string expectedUser, string expectedChannel, CancellationToken cancellationToken)
    {
        var claims = await VerifySignatureAsync(token, _subscriptionKeys, cancellationToken).ConfigureAwait(false);
        var expiresAt = TokenLifetime.Check(claims, _timeProvider.GetUtcNow(), _clockSkew);

        if (string.IsNullOrEmpty(claims.Channel))
        {
            throw new InvalidTokenException("Subscription token has no channel claim.");
        }

        if (!string.Equals(claims.Channel, expectedChannel, StringComparison.Ordinal))
        {
            throw new InvalidTokenException("Subscription token is for another channel.");
        }

        if (!string.Equals(claims.Subject, expectedUser, StringComparison.Ordinal))
        {
            throw new InvalidTokenException("Subscription token is for another user.");
        }

        return new SubscriptionToken(claims.Subject, claims.Channel, expiresAt, claims.Info);
    }

    private async ValueTask<TokenClaims> VerifySignatureAsync(string token, KeySet keys, CancellationToken cancellationToken)
    {
        var jwt = Parse(token);
        var algorithm = jwt.Alg;
        if (jwt.IsEncrypted || !keys.Allows(algorithm))
        {
            throw new InvalidTokenException("Token algorithm is not allowed.");
        }

        Exception? failure = null;
        foreach (var key in keys.StaticKeys)
        {
            if (key.Allows(algorithm))
            {
                if (await IsValidAsync(jwt, key).ConfigureAwait(false) is not { } error)
                {
                    return TokenClaimsReader.Read(jwt.EncodedPayload);
                }

                failure = Prefer(failure, error);
            }
        }

        if (keys.Jwks is { } jwks && SigningAlgorithms.IsAsymmetric(algorithm))
        {
            var kid = string.IsNullOrEmpty(jwt.Kid) ? null : jwt.Kid;
            foreach (var key in await jwks.GetKeysAsync(kid, algorithm, cancellationToken).ConfigureAwait(false))
            {
                if (await IsValidAsync(jwt, key).ConfigureAwait(false) is not { } error)
                {
                    return TokenClaimsReader.Read(jwt.EncodedPayload);
                }

                failure = Prefer(failure, error);
            }
        }

        throw Describe(failure);
    }

    private JsonWebToken Parse(string token)
    {
        if (string.IsNullOrEmpty(token))
        {
            throw new InvalidTokenException("Token is empty.");
        }

        try
        {
            return _handler.ReadJsonWebToken(token);
        }
        catch (Exception e) when (e is ArgumentException or SecurityTokenException or FormatException)
        {
            // The library's message may quote the token when PII logging is on: never pass it along.
            throw new InvalidTokenException("Token is malformed.");
        }
    }

    private async Task<Exception?> IsValidAsync(JsonWebToken jwt, VerificationKey key)
    {
        var result = await _handler.ValidateTokenAsync(jwt, key.Parameters).ConfigureAwait(false);
        return result.IsValid ? null : result.Exception ?? new SecurityTokenValidationException();
    }

    // With several candidate keys, an audience or issuer failure says more than "signature invalid".
    private static Exception Prefer(Exception? current, Exception next) =>
        current is null || current is SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException ? next : current;

    private static InvalidTokenException Describe(Exception? failure) => failure switch
    {
        null => new InvalidTokenException("No configured key matches the token."),
        SecurityTokenInvalidAudienceException => new InvalidTokenException("Token audience is not accepted."),
        SecurityTokenInvalidIssuerException => new InvalidTokenException("Token issuer is not accepted."),
        SecurityTokenInvalidAlgorithmException => new InvalidTokenException("Token algorithm is not allowed."),
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException =>
            new InvalidTokenException("Token signature is invalid."),
        _ => new InvalidTokenException("Token is invalid."),
    };
}
