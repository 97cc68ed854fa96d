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
    public static bool TryLoadRsa(string pem, [NotNullWhen(true)] out RSA? key, [NotNullWhen(false)] out string? problem)
    {
        key = null;
        if (!TryReadLabel(ref pem, "an RSA public key", out var label, out problem))
        {
            return false;
        }

        var rsa = RSA.Create();
        try
        {
            if (label == "CERTIFICATE")
            {
                rsa.Dispose();
                using var certificate = LoadCertificate(pem);
                rsa = certificate.GetRSAPublicKey();
            }
            else
            {
                rsa.ImportFromPem(pem);
            }
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException or FormatException)
        {
            rsa?.Dispose();
            problem = "is not a PEM-encoded RSA public key";
            return false;
        }

        if (rsa is null)
        {
            problem = "is a certificate without an RSA public key";
            return false;
        }

        key = rsa;
        return true;
    }

    public static bool TryLoadEcdsa(
        string pem,
        [NotNullWhen(true)] out ECDsa? key,
        [NotNullWhen(true)] out string? algorithm,
        [NotNullWhen(false)] out string? problem)
    {
        key = null;
        algorithm = null;
        if (!TryReadLabel(ref pem, "an EC public key", out var label, out problem))
        {
            return false;
        }

        ECDsa? ecdsa = ECDsa.Create();
        try
        {
            if (label == "CERTIFICATE")
            {
                ecdsa.Dispose();
                using var certificate = LoadCertificate(pem);
                ecdsa = certificate.GetECDsaPublicKey();
            }
            else
            {
                ecdsa.ImportFromPem(pem);
            }
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException or FormatException)
        {
            ecdsa?.Dispose();
            problem = "is not a PEM-encoded EC public key";
            return false;
        }

        if (ecdsa is null)
        {
            problem = "is a certificate without an EC public key";
            return false;
        }

        algorithm = SigningAlgorithms.ForCurve(ecdsa.ExportParameters(includePrivateParameters: false).Curve);
        if (algorithm is null)
        {
            ecdsa.Dispose();
            problem = "is an EC key on a curve other than P-256, P-384 or P-521";
            return false;
        }

        key = ecdsa;
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
