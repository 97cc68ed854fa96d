using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Realtime.Auth.Tests;

/// <summary>Mints test tokens the way an application backend would, from an exact JSON payload.</summary>
internal static class Tokens
{
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    public static string Sign(string payloadJson, SigningCredentials credentials) => Handler.CreateToken(payloadJson, credentials);

    public static string Hmac(string payloadJson, string secret = "", string algorithm = SecurityAlgorithms.HmacSha256) =>
        Sign(payloadJson, new SigningCredentials(
            new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret.Length == 0 ? TestKeys.HmacSecret : secret)), algorithm));

    public static string Rsa(string payloadJson, RSA? key = null, string algorithm = SecurityAlgorithms.RsaSha256, string? kid = null) =>
        Sign(payloadJson, new SigningCredentials(new RsaSecurityKey(key ?? TestKeys.Rsa) { KeyId = kid }, algorithm));

    public static string Ecdsa(string payloadJson, ECDsa? key = null, string algorithm = SecurityAlgorithms.EcdsaSha256, string? kid = null) =>
        Sign(payloadJson, new SigningCredentials(new ECDsaSecurityKey(key ?? TestKeys.EcP256) { KeyId = kid }, algorithm));

    /// <summary>
    /// HS256/384/512 computed by hand, for secrets too short for the library to sign with (as
    /// Centrifugo's documentation examples and older backends produce them).
    /// </summary>
    public static string HmacByHand(string payloadJson, string secret, string algorithm = SecurityAlgorithms.HmacSha256)
    {
        var signed = $"{Encode($$"""{"alg":"{{algorithm}}","typ":"JWT"}""")}.{Encode(payloadJson)}";
        var key = Encoding.UTF8.GetBytes(secret);
        var data = Encoding.ASCII.GetBytes(signed);
        var signature = algorithm switch
        {
            SecurityAlgorithms.HmacSha256 => HMACSHA256.HashData(key, data),
            SecurityAlgorithms.HmacSha384 => HMACSHA384.HashData(key, data),
            _ => HMACSHA512.HashData(key, data),
        };
        return $"{signed}.{Base64Url.EncodeToString(signature)}";
    }

    /// <summary>An unsecured JWS (RFC 7519 §6): header alg "none", empty or arbitrary signature.</summary>
    public static string Unsigned(string payloadJson, string alg = "none", string signature = "") =>
        $"{Encode($"{{\"alg\":\"{alg}\",\"typ\":\"JWT\"}}")}.{Encode(payloadJson)}.{signature}";

    /// <summary>Replaces the payload of a signed token, keeping header and signature.</summary>
    public static string WithPayload(string token, string payloadJson)
    {
        var parts = token.Split('.');
        return $"{parts[0]}.{Encode(payloadJson)}.{parts[2]}";
    }

    public static string Encode(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));

    public static long Unix(DateTimeOffset at) => at.ToUnixTimeSeconds();
}
