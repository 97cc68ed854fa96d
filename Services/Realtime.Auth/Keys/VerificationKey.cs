using Microsoft.IdentityModel.Tokens;

namespace Realtime.Auth.Keys;

/// <summary>
/// One public key or secret with the algorithms it may verify and ready-made validation
/// parameters, built once so that verifying a token allocates no parameters.
/// </summary>
internal sealed class VerificationKey
{
    private readonly string[] _algorithms;

    /// <param name="key">The public key or shared secret.</param>
    /// <param name="algorithms">The signing algorithms this key may verify; a token naming another is refused.</param>
    /// <param name="options">Issuer, audience and clock skew the token must satisfy.</param>
    /// <param name="signatureValidator">Replaces the library's signature check (see <see cref="ShortHmacSignature"/>).</param>
    public VerificationKey(SecurityKey key, string[] algorithms, TokenKeyOptions options, SignatureValidator? signatureValidator = null)
    {
        _algorithms = algorithms;
        Key = key;
        var audience = TokenKeyOptions.IsSet(options.Audience) ? options.Audience : null;
        var issuer = TokenKeyOptions.IsSet(options.Issuer) ? options.Issuer : null;
        Parameters = new TokenValidationParameters
        {
            IssuerSigningKey = key,
            // Only this key's family: the handler refuses the token before any key is tried.
            ValidAlgorithms = algorithms,
            RequireSignedTokens = true,
            // A static key verifies whatever kid the token names, as in Centrifugo; JWKS keys are picked by kid beforehand.
            TryAllIssuerSigningKeys = true,
            // exp/nbf/expire_at are checked by TokenLifetime against the injected TimeProvider.
            ValidateLifetime = false,
            RequireExpirationTime = false,
            ValidateAudience = audience is not null,
            ValidAudience = audience,
            ValidateIssuer = issuer is not null,
            ValidIssuer = issuer,
            ValidateIssuerSigningKey = false,
            LogValidationExceptions = false,
            SignatureValidator = signatureValidator,
        };
    }

    public SecurityKey Key { get; }

    public string? KeyId => string.IsNullOrEmpty(Key.KeyId) ? null : Key.KeyId;

    public TokenValidationParameters Parameters { get; }

    public bool Allows(string algorithm) => Array.IndexOf(_algorithms, algorithm) >= 0;
}
