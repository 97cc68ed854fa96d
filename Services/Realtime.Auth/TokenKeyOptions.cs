using System.Text;

namespace Realtime.Auth;

/// <summary>
/// The keys one kind of token is verified with, and the audience and issuer it must carry.
/// Any combination may be set; a token is accepted when one configured key verifies it.
/// </summary>
public class TokenKeyOptions
{
    /// <summary>Default for <see cref="JwksCacheLifetime"/>.</summary>
    public static readonly TimeSpan DefaultJwksCacheLifetime = TimeSpan.FromHours(1);

    /// <summary>
    /// Shared secret for HS256/HS384/HS512 (its UTF-8 bytes, as Centrifugo's <c>token_hmac_secret_key</c>).
    /// RFC 7518 §3.2: at least 32 bytes; HS384 and HS512 are accepted only when it has 48 and 64 bytes.
    /// </summary>
    public string? HmacSecretKey { get; set; }

    /// <summary>
    /// Accept an <see cref="HmacSecretKey"/> shorter than 32 bytes (for HS256, HS384 and HS512
    /// alike), as Centrifugo does, so a team moving over keeps its secret. Off by default: a short
    /// secret can be brute-forced; the services log a warning at start-up when it is on and used.
    /// </summary>
    public bool AllowShortHmacKey { get; set; }

    /// <summary>PEM RSA public key (<c>PUBLIC KEY</c>, <c>RSA PUBLIC KEY</c> or <c>CERTIFICATE</c>) for RS256/RS384/RS512.</summary>
    public string? RsaPublicKeyPem { get; set; }

    /// <summary>PEM EC public key on P-256, P-384 or P-521 for ES256, ES384 or ES512 respectively.</summary>
    public string? EcdsaPublicKeyPem { get; set; }

    /// <summary>Absolute http(s) URL of a JSON Web Key Set with RSA and EC signing keys, selected by <c>kid</c>.</summary>
    public string? JwksUrl { get; set; }

    /// <summary>How long a fetched key set is used before it is fetched again.</summary>
    public TimeSpan JwksCacheLifetime { get; set; } = DefaultJwksCacheLifetime;

    /// <summary>When set, the token's <c>aud</c> must contain this value; when unset, <c>aud</c> is not checked.</summary>
    public string? Audience { get; set; }

    /// <summary>When set, the token's <c>iss</c> must equal this value; when unset, <c>iss</c> is not checked.</summary>
    public string? Issuer { get; set; }

    /// <summary>True when at least one key source is configured.</summary>
    public bool HasAnyKey =>
        IsSet(HmacSecretKey) || IsSet(RsaPublicKeyPem) || IsSet(EcdsaPublicKeyPem) || IsSet(JwksUrl);

    /// <summary>Says which keys are set, never their values.</summary>
    public override string ToString() => AppendTo(new StringBuilder()).ToString();

    internal StringBuilder AppendTo(StringBuilder text) => text
        .Append("HmacSecretKey=").Append(Describe(HmacSecretKey))
        .Append(", AllowShortHmacKey=").Append(AllowShortHmacKey)
        .Append(", RsaPublicKeyPem=").Append(Describe(RsaPublicKeyPem))
        .Append(", EcdsaPublicKeyPem=").Append(Describe(EcdsaPublicKeyPem))
        .Append(", JwksUrl=").Append(Describe(JwksUrl))
        .Append(", JwksCacheLifetime=").Append(JwksCacheLifetime)
        .Append(", Audience=").Append(Audience ?? "(unset)")
        .Append(", Issuer=").Append(Issuer ?? "(unset)");

    internal static bool IsSet(string? value) => !string.IsNullOrWhiteSpace(value);

    // A URL may carry credentials in its query or user info, so it is described like a secret.
    private static string Describe(string? value) => IsSet(value) ? "(set)" : "(unset)";
}
