using System.Text;
using Realtime.Auth.Keys;

namespace Realtime.Auth;

/// <summary>
/// Checks <see cref="TokenOptions"/>. Messages name the option and the problem but never quote a
/// value: they end up in start-up logs, and the HMAC secret must not.
/// </summary>
internal static class TokenOptionsValidation
{
    public static IReadOnlyList<string> Validate(TokenOptions options)
    {
        var errors = new List<string>();
        ValidateKeys(options, string.Empty, errors);
        ValidateKeys(options.Subscription, "Subscription:", errors);

        if (!options.Subscription.HasAnyKey
            && (TokenKeyOptions.IsSet(options.Subscription.Audience) || TokenKeyOptions.IsSet(options.Subscription.Issuer)))
        {
            errors.Add("Subscription:Audience and Subscription:Issuer apply only with a subscription key; set one or move them to the top level");
        }

        if (options.ClockSkew < TimeSpan.Zero || options.ClockSkew > TokenOptions.MaxClockSkew)
        {
            errors.Add($"ClockSkew must be between 0 and {TokenOptions.MaxClockSkew}");
        }

        return errors;
    }

    private static void ValidateKeys(TokenKeyOptions keys, string prefix, List<string> errors)
    {
        if (TokenKeyOptions.IsSet(keys.HmacSecretKey)
            && Encoding.UTF8.GetByteCount(keys.HmacSecretKey!) < SigningAlgorithms.MinimumHmacSecretBytes
            && !keys.AllowShortHmacKey)
        {
            errors.Add($"{prefix}HmacSecretKey must be at least {SigningAlgorithms.MinimumHmacSecretBytes} bytes (256 bits) for HS256 " +
                $"(a shorter one only with {prefix}AllowShortHmacKey)");
        }

        if (TokenKeyOptions.IsSet(keys.RsaPublicKeyPem))
        {
            if (PemKeys.TryLoadRsa(keys.RsaPublicKeyPem!, out var rsa, out var problem))
            {
                rsa.Dispose();
            }
            else
            {
                errors.Add($"{prefix}RsaPublicKeyPem {problem}");
            }
        }

        if (TokenKeyOptions.IsSet(keys.EcdsaPublicKeyPem))
        {
            if (PemKeys.TryLoadEcdsa(keys.EcdsaPublicKeyPem!, out var ecdsa, out _, out var problem))
            {
                ecdsa.Dispose();
            }
            else
            {
                errors.Add($"{prefix}EcdsaPublicKeyPem {problem}");
            }
        }

        if (TokenKeyOptions.IsSet(keys.JwksUrl)
            && !(Uri.TryCreate(keys.JwksUrl, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp)))
        {
            errors.Add($"{prefix}JwksUrl must be an absolute http or https URL");
        }

        if (keys.JwksCacheLifetime <= TimeSpan.Zero)
        {
            errors.Add($"{prefix}JwksCacheLifetime must be positive");
        }
    }
}
