using System.Security.Cryptography;

namespace Realtime.Auth.Tests;

/// <summary>Keys generated once per test run; nothing here is a real secret.</summary>
internal static class TestKeys
{
    /// <summary>64 ASCII characters: long enough for HS256, HS384 and HS512.</summary>
    public static readonly string HmacSecret = RandomSecret(64);

    public static readonly string OtherHmacSecret = RandomSecret(64);

    public static readonly RSA Rsa = RSA.Create(2048);

    public static readonly RSA OtherRsa = RSA.Create(2048);

    public static readonly ECDsa EcP256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public static readonly ECDsa OtherEcP256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public static readonly ECDsa EcP384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);

    public static readonly ECDsa EcP521 = ECDsa.Create(ECCurve.NamedCurves.nistP521);

    public static string RsaPem => Rsa.ExportSubjectPublicKeyInfoPem();

    public static string EcP256Pem => EcP256.ExportSubjectPublicKeyInfoPem();

    public static string RandomSecret(int length) =>
        RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", length);
}
