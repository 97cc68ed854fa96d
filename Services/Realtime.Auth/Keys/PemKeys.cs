using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Realtime.Auth.Keys;

/// <summary>
/// Reads the public keys of <see cref="TokenKeyOptions"/>. Problems are reported as text that never
/// quotes the PEM, so they are safe for option validation messages and logs.
/// </summary>
internal static class PemKeys
{
    public static bool TryLoadRsa(string pem, [NotNullWhen(true)] out RSA? key, [NotNullWhen(false)] out string? problem) =>
        TryLoad(pem, "RSA", RSA.Create, static certificate => certificate.GetRSAPublicKey(), out key, out problem);

    public static bool TryLoadEcdsa(
        string pem,
        [NotNullWhen(true)] out ECDsa? key,
        [NotNullWhen(true)] out string? algorithm,
        [NotNullWhen(false)] out string? problem)
    {
        algorithm = null;
        if (!TryLoad(pem, "EC", ECDsa.Create, static certificate => certificate.GetECDsaPublicKey(), out key, out problem))
        {
            return false;
        }

        algorithm = SigningAlgorithms.ForCurve(key.ExportParameters(includePrivateParameters: false).Curve);
        if (algorithm is null)
        {
            key.Dispose();
            key = null;
            problem = "is an EC key on a curve other than P-256, P-384 or P-521";
            return false;
        }

        return true;
    }

    /// <summary>A public key of the given kind from a PEM public key or a PEM certificate.</summary>
    private static bool TryLoad<TKey>(
        string pem,
        string kind,
        Func<TKey> create,
        Func<X509Certificate2, TKey?> fromCertificate,
        [NotNullWhen(true)] out TKey? key,
        [NotNullWhen(false)] out string? problem)
        where TKey : AsymmetricAlgorithm
    {
        key = null;
        if (!TryReadLabel(ref pem, $"an {kind} public key", out var label, out problem))
        {
            return false;
        }

        try
        {
            if (label == "CERTIFICATE")
            {
                using var certificate = LoadCertificate(pem);
                key = fromCertificate(certificate);
            }
            else
            {
                key = create();
                key.ImportFromPem(pem);
            }
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException or FormatException)
        {
            key?.Dispose();
            key = null;
            problem = $"is not a PEM-encoded {kind} public key";
            return false;
        }

        if (key is null)
        {
            problem = $"is a certificate without an {kind} public key";
            return false;
        }

        return true;
    }

    // Environment variables often carry PEM with literal "\n"; a private key in gateway
    // configuration is a leak waiting to happen, so it is refused rather than silently used.
    private static bool TryReadLabel(
        ref string pem, string expected, [NotNullWhen(true)] out string? label, [NotNullWhen(false)] out string? problem)
    {
        pem = pem.Replace("\\n", "\n", StringComparison.Ordinal);
        if (!PemEncoding.TryFind(pem, out var fields))
        {
            label = null;
            problem = $"is not PEM (expected {expected})";
            return false;
        }

        label = pem[fields.Label];
        if (label.Contains("PRIVATE KEY", StringComparison.Ordinal))
        {
            problem = "contains a private key; configure only the public key";
            return false;
        }

        problem = null;
        return true;
    }

    private static X509Certificate2 LoadCertificate(string pem)
    {
        PemEncoding.TryFind(pem, out var fields);
        return X509CertificateLoader.LoadCertificate(Convert.FromBase64String(pem[fields.Base64Data]));
    }
}
