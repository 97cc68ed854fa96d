using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Realtime.Auth.Keys;

/// <summary>
/// Verifies HS256/384/512 signatures made with a secret shorter than RFC 7518 asks for, which
/// Microsoft.IdentityModel refuses on its own. Only for teams moving from Centrifugo with such a
/// secret, on explicit opt-in (<see cref="TokenKeyOptions.AllowShortHmacKey"/>): every other rule
/// of verification (allowed algorithms, audience, issuer, lifetime, claims) still applies, since
/// this replaces the signature check alone.
/// </summary>
internal static class ShortHmacSignature
{
    public static readonly string[] Algorithms =
        [SecurityAlgorithms.HmacSha256, SecurityAlgorithms.HmacSha384, SecurityAlgorithms.HmacSha512];

    public static SignatureValidator Validator(byte[] secret) => (token, _) =>
    {
        var jwt = new JsonWebToken(token);
        return IsValid(jwt, secret) ? jwt : throw new SecurityTokenInvalidSignatureException("Token signature is invalid.");
    };

    private static bool IsValid(JsonWebToken jwt, byte[] secret)
    {
        var signed = Encoding.ASCII.GetBytes(string.Concat(jwt.EncodedHeader, ".", jwt.EncodedPayload));
        byte[] expected = jwt.Alg switch
        {
            SecurityAlgorithms.HmacSha256 => HMACSHA256.HashData(secret, signed),
            SecurityAlgorithms.HmacSha384 => HMACSHA384.HashData(secret, signed),
            SecurityAlgorithms.HmacSha512 => HMACSHA512.HashData(secret, signed),
            _ => [],
        };
        if (expected.Length == 0)
        {
            return false;
        }

        byte[] actual;
        try
        {
            actual = Base64UrlEncoder.DecodeBytes(jwt.EncodedSignature);
        }
        catch (FormatException)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }
}
