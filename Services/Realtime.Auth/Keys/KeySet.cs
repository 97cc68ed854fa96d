using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace Realtime.Auth.Keys;

/// <summary>
/// Every key one kind of token may be verified with: the static ones from configuration and,
/// optionally, a JWKS endpoint.
/// </summary>
internal sealed class KeySet
{
    private KeySet(VerificationKey[] staticKeys, JwksKeyCache? jwks)
    {
        StaticKeys = staticKeys;
        Jwks = jwks;
    }

    public IReadOnlyList<VerificationKey> StaticKeys { get; }

    public JwksKeyCache? Jwks { get; }

    /// <summary>
    /// Whether any configured key kind verifies <paramref name="algorithm"/>. Checked before any key is
    /// tried, so "none", unknown algorithms and families with no configured key fail fast.
    /// </summary>
    public bool Allows(string algorithm)
    {
        foreach (var key in StaticKeys)
        {
            if (key.Allows(algorithm))
            {
                return true;
            }
        }

        return Jwks is not null && SigningAlgorithms.IsAsymmetric(algorithm);
    }

    /// <summary>Loads the keys; the options must have passed validation.</summary>
    public static KeySet Create(TokenKeyOptions options, IHttpClientFactory httpClientFactory, TimeProvider timeProvider, ILogger logger)
    {
        var keys = new List<VerificationKey>();
        if (TokenKeyOptions.IsSet(options.HmacSecretKey))
        {
            var secret = Encoding.UTF8.GetBytes(options.HmacSecretKey!);
            if (secret.Length < SigningAlgorithms.MinimumHmacSecretBytes && options.AllowShortHmacKey)
            {
                Log.ShortHmacKey(logger, secret.Length, SigningAlgorithms.MinimumHmacSecretBytes);
                keys.Add(new VerificationKey(new SymmetricSecurityKey(secret), ShortHmacSignature.Algorithms, options, ShortHmacSignature.Validator(secret)));
            }
            else
            {
                keys.Add(new VerificationKey(new SymmetricSecurityKey(secret), SigningAlgorithms.ForHmacSecret(secret.Length), options));
            }
        }

        if (TokenKeyOptions.IsSet(options.RsaPublicKeyPem))
        {
            if (!PemKeys.TryLoadRsa(options.RsaPublicKeyPem!, out var rsa, out var problem))
            {
                throw new InvalidOperationException($"RsaPublicKeyPem {problem}");
            }

            keys.Add(new VerificationKey(new RsaSecurityKey(rsa), SigningAlgorithms.Rsa, options));
        }

        if (TokenKeyOptions.IsSet(options.EcdsaPublicKeyPem))
        {
            if (!PemKeys.TryLoadEcdsa(options.EcdsaPublicKeyPem!, out var ecdsa, out var algorithm, out var problem))
            {
                throw new InvalidOperationException($"EcdsaPublicKeyPem {problem}");
            }

            keys.Add(new VerificationKey(new ECDsaSecurityKey(ecdsa), [algorithm], options));
        }

        JwksKeyCache? jwks = null;
        if (TokenKeyOptions.IsSet(options.JwksUrl))
        {
            jwks = new JwksKeyCache(new Uri(options.JwksUrl!, UriKind.Absolute), options, httpClientFactory, timeProvider, logger);
        }

        return new KeySet([.. keys], jwks);
    }
}
