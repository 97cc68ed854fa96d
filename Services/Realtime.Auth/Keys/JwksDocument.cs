using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace Realtime.Auth.Keys;

/// <summary>
/// Reads a JSON Web Key Set (RFC 7517) into verification keys. Only RSA and EC signing keys are
/// taken: an "oct" key would let whoever serves the URL mint HMAC tokens, and keys that fail to
/// parse are skipped so one bad entry does not hide the others.
/// </summary>
internal static class JwksDocument
{
    public static List<VerificationKey> Parse(ReadOnlyMemory<byte> json, TokenKeyOptions options, ILogger logger)
    {
        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Object
            || !document.RootElement.TryGetProperty("keys", out var keys)
            || keys.ValueKind != JsonValueKind.Array)
        {
            throw new JsonException("A JWKS document is an object with a \"keys\" array.");
        }

        var result = new List<VerificationKey>();
        foreach (var jwk in keys.EnumerateArray())
        {
            if (jwk.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            var kid = GetString(jwk, "kid");
            if (GetString(jwk, "use") is { } use && use != "sig")
            {
                continue;
            }

            try
            {
                var key = GetString(jwk, "kty") switch
                {
                    "RSA" => ReadRsa(jwk, kid, options),
                    "EC" => ReadEc(jwk, kid, options),
                    _ => null,
                };
                if (key is null)
                {
                    Log.JwksKeySkipped(logger, kid);
                }
                else
                {
                    result.Add(key);
                }
            }
            catch (Exception e) when (e is FormatException or CryptographicException or ArgumentException)
            {
                Log.JwksKeySkipped(logger, kid);
            }
        }

        return result;
    }

    private static VerificationKey? ReadRsa(JsonElement jwk, string? kid, TokenKeyOptions options)
    {
        var algorithms = Restrict(SigningAlgorithms.Rsa, GetString(jwk, "alg"));
        if (algorithms.Length == 0 || GetBytes(jwk, "n") is not { } modulus || GetBytes(jwk, "e") is not { } exponent)
        {
            return null;
        }

        var rsa = RSA.Create(new RSAParameters { Modulus = modulus, Exponent = exponent });
        return new VerificationKey(new RsaSecurityKey(rsa) { KeyId = kid }, algorithms, options);
    }

    private static VerificationKey? ReadEc(JsonElement jwk, string? kid, TokenKeyOptions options)
    {
        if (SigningAlgorithms.ForJwkCurve(GetString(jwk, "crv")) is not { } curve
            || GetBytes(jwk, "x") is not { } x
            || GetBytes(jwk, "y") is not { } y)
        {
            return null;
        }

        var algorithms = Restrict([curve.Algorithm], GetString(jwk, "alg"));
        if (algorithms.Length == 0)
        {
            return null;
        }

        var ecdsa = ECDsa.Create(new ECParameters { Curve = curve.Curve, Q = new ECPoint { X = x, Y = y } });
        return new VerificationKey(new ECDsaSecurityKey(ecdsa) { KeyId = kid }, algorithms, options);
    }

    // A key that names its "alg" verifies only that algorithm (RFC 7517 §4.4).
    private static string[] Restrict(string[] family, string? alg) =>
        alg is null ? family : Array.IndexOf(family, alg) >= 0 ? [alg] : [];

    private static string? GetString(JsonElement jwk, string name) =>
        jwk.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static byte[]? GetBytes(JsonElement jwk, string name) =>
        GetString(jwk, name) is { Length: > 0 } text ? Base64Url.DecodeFromChars(text) : null;
}
