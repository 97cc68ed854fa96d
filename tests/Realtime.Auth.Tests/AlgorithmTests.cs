using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;
using Realtime.Auth.Keys;

namespace Realtime.Auth.Tests;

public sealed class AlgorithmTests
{
    private const string Payload = """{"sub":"42"}""";

    public static TheoryData<string> AllAlgorithms =>
        ["HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256", "ES384", "ES512"];

    [Theory]
    [MemberData(nameof(AllAlgorithms))]
    public async Task Each_supported_algorithm_verifies(string algorithm)
    {
        var (options, token) = algorithm switch
        {
            "HS256" or "HS384" or "HS512" => (TestVerifier.HmacOptions(), Tokens.Hmac(Payload, algorithm: algorithm)),
            "RS256" or "RS384" or "RS512" => (new TokenOptions { RsaPublicKeyPem = TestKeys.RsaPem }, Tokens.Rsa(Payload, algorithm: algorithm)),
            "ES256" => (new TokenOptions { EcdsaPublicKeyPem = TestKeys.EcP256Pem }, Tokens.Ecdsa(Payload)),
            "ES384" => (new TokenOptions { EcdsaPublicKeyPem = TestKeys.EcP384.ExportSubjectPublicKeyInfoPem() }, Tokens.Ecdsa(Payload, TestKeys.EcP384, algorithm)),
            "ES512" => (new TokenOptions { EcdsaPublicKeyPem = TestKeys.EcP521.ExportSubjectPublicKeyInfoPem() }, Tokens.Ecdsa(Payload, TestKeys.EcP521, algorithm)),
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
        };

        var verified = await TestVerifier.Create(options).ConnectAsync(token);

        Assert.Equal("42", verified.User);
    }

    [Fact]
    public async Task All_key_kinds_configured_together_each_verify_their_own_tokens()
    {
        var verifier = TestVerifier.Create(new TokenOptions
        {
            HmacSecretKey = TestKeys.HmacSecret,
            RsaPublicKeyPem = TestKeys.RsaPem,
            EcdsaPublicKeyPem = TestKeys.EcP256Pem,
        });

        Assert.Equal("42", (await verifier.ConnectAsync(Tokens.Hmac(Payload))).User);
        Assert.Equal("42", (await verifier.ConnectAsync(Tokens.Rsa(Payload))).User);
        Assert.Equal("42", (await verifier.ConnectAsync(Tokens.Ecdsa(Payload))).User);
    }

    [Fact]
    public async Task Static_keys_ignore_the_kid_header()
    {
        var verifier = TestVerifier.Create(new TokenOptions { RsaPublicKeyPem = TestKeys.RsaPem });

        var verified = await verifier.ConnectAsync(Tokens.Rsa(Payload, kid: "some-other-kid"));

        Assert.Equal("42", verified.User);
    }

    [Fact]
    public async Task Rsa_public_key_in_pkcs1_pem_and_escaped_newlines_is_accepted()
    {
        var pkcs1 = TestKeys.Rsa.ExportRSAPublicKeyPem().Replace("\n", "\\n", StringComparison.Ordinal);
        var verifier = TestVerifier.Create(new TokenOptions { RsaPublicKeyPem = pkcs1 });

        Assert.Equal("42", (await verifier.ConnectAsync(Tokens.Rsa(Payload))).User);
    }

    [Fact]
    public async Task Wrong_hmac_secret_is_rejected()
    {
        var token = Tokens.Hmac(Payload, TestKeys.OtherHmacSecret);

        var error = await TestVerifier.Create(TestVerifier.HmacOptions()).AssertConnectFailsAsync<InvalidTokenException>(token);

        Assert.Contains("signature", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_rsa_key_is_rejected()
    {
        var verifier = TestVerifier.Create(new TokenOptions { RsaPublicKeyPem = TestKeys.RsaPem });

        await verifier.AssertConnectFailsAsync<InvalidTokenException>(Tokens.Rsa(Payload, TestKeys.OtherRsa));
    }

    [Fact]
    public async Task Wrong_ecdsa_key_is_rejected()
    {
        var verifier = TestVerifier.Create(new TokenOptions { EcdsaPublicKeyPem = TestKeys.EcP256Pem });

        await verifier.AssertConnectFailsAsync<InvalidTokenException>(Tokens.Ecdsa(Payload, TestKeys.OtherEcP256));
    }

    [Fact]
    public async Task Es_algorithm_must_match_the_curve_of_the_configured_key()
    {
        var verifier = TestVerifier.Create(new TokenOptions { EcdsaPublicKeyPem = TestKeys.EcP256Pem });

        var error = await verifier.AssertConnectFailsAsync<InvalidTokenException>(Tokens.Ecdsa(Payload, TestKeys.EcP384, SecurityAlgorithms.EcdsaSha384));

        Assert.Contains("algorithm", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("HS256")]
    [InlineData("RS256")]
    [InlineData("ES256")]
    public async Task Tampered_payload_is_rejected(string algorithm)
    {
        var token = algorithm switch
        {
            "HS256" => Tokens.Hmac(Payload),
            "RS256" => Tokens.Rsa(Payload),
            _ => Tokens.Ecdsa(Payload),
        };
        var verifier = TestVerifier.Create(new TokenOptions
        {
            HmacSecretKey = TestKeys.HmacSecret,
            RsaPublicKeyPem = TestKeys.RsaPem,
            EcdsaPublicKeyPem = TestKeys.EcP256Pem,
        });

        var tampered = Tokens.WithPayload(token, """{"sub":"admin"}""");

        await verifier.AssertConnectFailsAsync<InvalidTokenException>(tampered);
    }

    [Fact]
    public async Task Changing_the_header_algorithm_breaks_the_signature()
    {
        var token = Tokens.Rsa(Payload);
        var parts = token.Split('.');
        var rs512Header = Tokens.Encode("""{"alg":"RS512","typ":"JWT"}""");
        var verifier = TestVerifier.Create(new TokenOptions { RsaPublicKeyPem = TestKeys.RsaPem });

        await verifier.AssertConnectFailsAsync<InvalidTokenException>($"{rs512Header}.{parts[1]}.{parts[2]}");
    }

    [Theory]
    [InlineData("none", "")]
    [InlineData("None", "")]
    [InlineData("NONE", "")]
    [InlineData("none", "c2lnbmF0dXJl")]
    [InlineData("", "")]
    public async Task Unsecured_tokens_are_rejected(string alg, string signature)
    {
        var verifier = TestVerifier.Create(new TokenOptions { HmacSecretKey = TestKeys.HmacSecret, RsaPublicKeyPem = TestKeys.RsaPem });
        var token = Tokens.Unsigned(Payload, alg, signature);

        var error = await verifier.AssertConnectFailsAsync<InvalidTokenException>(token);

        Assert.Contains("algorithm", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hs256_signed_with_the_rsa_public_key_is_rejected_when_only_rsa_is_configured()
    {
        // The classic confusion attack: the public key is public, so an attacker can HMAC with it.
        var pem = TestKeys.RsaPem;
        var forged = Tokens.Sign(Payload, new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(pem)), SecurityAlgorithms.HmacSha256));
        var verifier = TestVerifier.Create(new TokenOptions { RsaPublicKeyPem = pem });

        var error = await verifier.AssertConnectFailsAsync<InvalidTokenException>(forged);

        Assert.Contains("algorithm", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hs256_signed_with_a_public_key_is_rejected_when_hmac_is_configured_too()
    {
        var verifier = TestVerifier.Create(new TokenOptions
        {
            HmacSecretKey = TestKeys.HmacSecret,
            RsaPublicKeyPem = TestKeys.RsaPem,
            EcdsaPublicKeyPem = TestKeys.EcP256Pem,
        });

        foreach (var publicKey in new[] { TestKeys.RsaPem, TestKeys.EcP256Pem, TestKeys.Rsa.ExportRSAPublicKeyPem() })
        {
            var forged = Tokens.Sign(Payload, new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(publicKey)), SecurityAlgorithms.HmacSha256));

            var error = await verifier.AssertConnectFailsAsync<InvalidTokenException>(forged);

            Assert.Contains("signature", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Asymmetric_token_is_rejected_when_only_hmac_is_configured()
    {
        var verifier = TestVerifier.Create(TestVerifier.HmacOptions());

        await verifier.AssertConnectFailsAsync<InvalidTokenException>(Tokens.Rsa(Payload));
        await verifier.AssertConnectFailsAsync<InvalidTokenException>(Tokens.Ecdsa(Payload));
    }

    [Fact]
    public async Task Hmac_algorithms_need_a_secret_as_long_as_their_hash()
    {
        var secret = TestKeys.RandomSecret(32);
        var verifier = TestVerifier.Create(new TokenOptions { HmacSecretKey = secret });

        Assert.Equal("42", (await verifier.ConnectAsync(Tokens.Hmac(Payload, secret))).User);
        Assert.Equal(["HS256"], SigningAlgorithms.ForHmacSecret(32));
        Assert.Equal(["HS256", "HS384"], SigningAlgorithms.ForHmacSecret(48));
        Assert.Equal(["HS256", "HS384", "HS512"], SigningAlgorithms.ForHmacSecret(64));

        // An HS512 header on a 32-byte secret is refused before any key is tried.
        var parts = Tokens.Hmac(Payload, secret).Split('.');
        var hs512 = $"{Tokens.Encode("""{"alg":"HS512","typ":"JWT"}""")}.{parts[1]}.{parts[2]}";
        await verifier.AssertConnectFailsAsync<InvalidTokenException>(hs512);
    }

    [Fact]
    public async Task No_configured_key_rejects_every_token()
    {
        var verifier = TestVerifier.Create(new TokenOptions());

        await verifier.AssertConnectFailsAsync<InvalidTokenException>(Tokens.Hmac(Payload));
        await verifier.AssertConnectFailsAsync<InvalidTokenException>(Tokens.Rsa(Payload));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-jwt")]
    [InlineData("a.b.c")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.c2ln")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.WzEsMl0.c2ln")]
    [InlineData("eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkExMjhHQ00ifQ.a.b.c.d")]
    public async Task Malformed_tokens_are_rejected(string token)
    {
        var verifier = TestVerifier.Create(TestVerifier.HmacOptions());

        await verifier.AssertConnectFailsAsync<InvalidTokenException>(token);
    }

    [Fact]
    public async Task Rsa_token_is_rejected_when_only_ec_is_configured()
    {
        // An RS256 header on an EC-only configuration has no key to try.
        using var rsa = RSA.Create(2048);
        var verifier = TestVerifier.Create(new TokenOptions { EcdsaPublicKeyPem = TestKeys.EcP256Pem });

        await verifier.AssertConnectFailsAsync<InvalidTokenException>(Tokens.Rsa(Payload, rsa));
    }
}
