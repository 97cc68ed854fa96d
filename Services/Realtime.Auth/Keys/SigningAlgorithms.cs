using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Realtime.Auth.Keys;

/// <summary>
/// The JWS algorithms each kind of key may verify. A key only ever verifies its own family,
/// which is what stops algorithm confusion (an HS256 token "signed" with a public key).
/// </summary>
internal static class SigningAlgorithms
{
    public const int MinimumHmacSecretBytes = 32;

    public static readonly string[] Rsa =
        [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512];

    /// <summary>RFC 7518 §3.2: an HMAC key must be at least as long as the hash output.</summary>
    public static string[] ForHmacSecret(int secretBytes) => secretBytes switch
    {
        >= 64 => [SecurityAlgorithms.HmacSha256, SecurityAlgorithms.HmacSha384, SecurityAlgorithms.HmacSha512],
        >= 48 => [SecurityAlgorithms.HmacSha256, SecurityAlgorithms.HmacSha384],
        >= MinimumHmacSecretBytes => [SecurityAlgorithms.HmacSha256],
        _ => [],
    };

    /// <summary>RFC 7518 §3.4 ties each ES algorithm to one curve.</summary>
    public static string? ForCurve(ECCurve curve) => curve.Oid?.Value switch
    {
        "1.2.840.10045.3.1.7" => SecurityAlgorithms.EcdsaSha256,
        "1.3.132.0.34" => SecurityAlgorithms.EcdsaSha384,
        "1.3.132.0.35" => SecurityAlgorithms.EcdsaSha512,
        _ => null,
    };

    /// <summary>JWK <c>crv</c> names (RFC 7518 §6.2.1.1).</summary>
    public static (ECCurve Curve, string Algorithm)? ForJwkCurve(string? crv) => crv switch
    {
        "P-256" => (ECCurve.NamedCurves.nistP256, SecurityAlgorithms.EcdsaSha256),
        "P-384" => (ECCurve.NamedCurves.nistP384, SecurityAlgorithms.EcdsaSha384),
        "P-521" => (ECCurve.NamedCurves.nistP521, SecurityAlgorithms.EcdsaSha512),
        _ => null,
    };

    public static bool IsAsymmetric(string alg) => Array.IndexOf(Rsa, alg) >= 0
        || alg is SecurityAlgorithms.EcdsaSha256 or SecurityAlgorithms.EcdsaSha384 or SecurityAlgorithms.EcdsaSha512;
}
