using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Realtime.Auth.Tests;

public sealed class OptionsTests
{
    private static readonly string ShortSecret = TestKeys.RandomSecret(31);

    [Fact]
    public void Complete_configuration_is_valid()
    {
        var options = new TokenOptions
        {
            HmacSecretKey = TestKeys.HmacSecret,
            RsaPublicKeyPem = TestKeys.RsaPem,
            EcdsaPublicKeyPem = TestKeys.EcP256Pem,
            JwksUrl = "https://idp.example/.well-known/jwks.json",
            Audience = "realtime",
            Issuer = "idp",
            ClockSkew = TimeSpan.FromSeconds(5),
            Subscription = new TokenKeyOptions { HmacSecretKey = TestKeys.OtherHmacSecret, Audience = "subs" },
        };

        Assert.Empty(options.Validate());
    }

    [Fact]
    public void Empty_configuration_is_valid_and_has_no_key()
    {
        var options = new TokenOptions();

        Assert.Empty(options.Validate());
        Assert.False(options.HasAnyKey);
    }

    [Fact]
    public void Short_hmac_secret_is_an_error_that_does_not_quote_it()
    {
        var options = new TokenOptions { HmacSecretKey = ShortSecret, Subscription = new TokenKeyOptions { HmacSecretKey = ShortSecret } };

        var errors = options.Validate();

        Assert.Collection(errors,
            e => Assert.StartsWith("HmacSecretKey must be at least 32 bytes", e, StringComparison.Ordinal),
            e => Assert.StartsWith("Subscription:HmacSecretKey must be at least 32 bytes", e, StringComparison.Ordinal));
        AssertNoSecretIn(errors, ShortSecret);
    }

    [Theory]
    [InlineData("not a pem at all")]
    [InlineData("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----")]
    public void Unparsable_pem_is_an_error(string pem)
    {
        var errors = new TokenOptions { RsaPublicKeyPem = pem, EcdsaPublicKeyPem = pem }.Validate();

        Assert.Equal(2, errors.Count);
        Assert.StartsWith("RsaPublicKeyPem ", errors[0], StringComparison.Ordinal);
        Assert.StartsWith("EcdsaPublicKeyPem ", errors[1], StringComparison.Ordinal);
        AssertNoSecretIn(errors, pem);
    }

    [Fact]
    public void Key_of_the_other_kind_is_an_error()
    {
        var errors = new TokenOptions { RsaPublicKeyPem = TestKeys.EcP256Pem, EcdsaPublicKeyPem = TestKeys.RsaPem }.Validate();

        Assert.Equal(["RsaPublicKeyPem is not a PEM-encoded RSA public key", "EcdsaPublicKeyPem is not a PEM-encoded EC public key"], errors);
    }

    [Fact]
    public void Private_key_pem_is_refused_without_quoting_it()
    {
        var rsaPrivate = TestKeys.Rsa.ExportPkcs8PrivateKeyPem();
        var ecPrivate = TestKeys.EcP256.ExportECPrivateKeyPem();

        var errors = new TokenOptions { RsaPublicKeyPem = rsaPrivate, EcdsaPublicKeyPem = ecPrivate }.Validate();

        Assert.Equal(2, errors.Count);
        Assert.All(errors, e => Assert.Contains("private key", e, StringComparison.Ordinal));
        AssertNoSecretIn(errors, rsaPrivate);
        AssertNoSecretIn(errors, ecPrivate);
    }

    [Fact]
    public void Certificate_pem_is_accepted_for_its_public_key()
    {
        using var rsa = RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest(
            "CN=issuer", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        Assert.Empty(new TokenOptions { RsaPublicKeyPem = certificate.ExportCertificatePem() }.Validate());
    }

    [Fact]
    public void A_certificate_for_the_other_key_kind_is_refused()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var ecCertificate = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=issuer", ec, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        using var rsa = RSA.Create(2048);
        using var rsaCertificate = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=issuer", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        var errors = new TokenOptions { RsaPublicKeyPem = ecCertificate.ExportCertificatePem(), EcdsaPublicKeyPem = rsaCertificate.ExportCertificatePem() }.Validate();

        Assert.Equal(["RsaPublicKeyPem is a certificate without an RSA public key", "EcdsaPublicKeyPem is a certificate without an EC public key"], errors);
    }

    [Theory]
    [InlineData("/relative/jwks")]
    [InlineData("ftp://idp.example/jwks")]
    [InlineData("not a url")]
    public void Jwks_url_must_be_absolute_http(string url)
    {
        var errors = new TokenOptions { Subscription = new TokenKeyOptions { JwksUrl = url } }.Validate();

        Assert.Equal(["Subscription:JwksUrl must be an absolute http or https URL"], errors);
    }

    [Fact]
    public void Durations_are_range_checked()
    {
        var errors = new TokenOptions
        {
            ClockSkew = TimeSpan.FromSeconds(-1),
            JwksCacheLifetime = TimeSpan.Zero,
        }.Validate();

        Assert.Contains("JwksCacheLifetime must be positive", errors);
        Assert.Contains(errors, e => e.StartsWith("ClockSkew must be between", StringComparison.Ordinal));
        Assert.NotEmpty(new TokenOptions { ClockSkew = TimeSpan.FromHours(1) }.Validate());
    }

    [Fact]
    public void Subscription_audience_without_a_subscription_key_is_an_error()
    {
        var errors = new TokenOptions { HmacSecretKey = TestKeys.HmacSecret, Subscription = new TokenKeyOptions { Issuer = "x" } }.Validate();

        Assert.Single(errors);
    }

    [Fact]
    public void ToString_never_shows_keys_or_urls()
    {
        var options = new TokenOptions
        {
            HmacSecretKey = TestKeys.HmacSecret,
            RsaPublicKeyPem = TestKeys.RsaPem,
            JwksUrl = "https://user:password@idp.example/jwks?token=abc",
            Audience = "realtime",
            Subscription = new TokenKeyOptions { HmacSecretKey = TestKeys.OtherHmacSecret },
        };

        var text = options.ToString();

        Assert.Contains("HmacSecretKey=(set)", text, StringComparison.Ordinal);
        Assert.Contains("EcdsaPublicKeyPem=(unset)", text, StringComparison.Ordinal);
        Assert.Contains("Audience=realtime", text, StringComparison.Ordinal);
        Assert.DoesNotContain(TestKeys.HmacSecret, text, StringComparison.Ordinal);
        Assert.DoesNotContain(TestKeys.OtherHmacSecret, text, StringComparison.Ordinal);
        Assert.DoesNotContain("BEGIN", text, StringComparison.Ordinal);
        Assert.DoesNotContain("password", text, StringComparison.Ordinal);
        Assert.DoesNotContain(TestKeys.OtherHmacSecret, options.Subscription.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Configuration_section_binds_every_field()
    {
        var options = Bind(new Dictionary<string, string?>
        {
            ["Gateway:Token:HmacSecretKey"] = TestKeys.HmacSecret,
            ["Gateway:Token:RsaPublicKeyPem"] = TestKeys.RsaPem,
            ["Gateway:Token:EcdsaPublicKeyPem"] = TestKeys.EcP256Pem,
            ["Gateway:Token:JwksUrl"] = "https://idp.example/jwks",
            ["Gateway:Token:JwksCacheLifetime"] = "00:10:00",
            ["Gateway:Token:Audience"] = "aud",
            ["Gateway:Token:Issuer"] = "iss",
            ["Gateway:Token:ClockSkew"] = "00:00:03",
            ["Gateway:Token:Subscription:HmacSecretKey"] = TestKeys.OtherHmacSecret,
            ["Gateway:Token:Subscription:Issuer"] = "backend",
        }).GetRequiredService<IOptions<TokenOptions>>().Value;

        Assert.Equal(TestKeys.HmacSecret, options.HmacSecretKey);
        Assert.Equal(TestKeys.RsaPem, options.RsaPublicKeyPem);
        Assert.Equal(TestKeys.EcP256Pem, options.EcdsaPublicKeyPem);
        Assert.Equal("https://idp.example/jwks", options.JwksUrl);
        Assert.Equal(TimeSpan.FromMinutes(10), options.JwksCacheLifetime);
        Assert.Equal("aud", options.Audience);
        Assert.Equal("iss", options.Issuer);
        Assert.Equal(TimeSpan.FromSeconds(3), options.ClockSkew);
        Assert.Equal(TestKeys.OtherHmacSecret, options.Subscription.HmacSecretKey);
        Assert.Equal("backend", options.Subscription.Issuer);
        Assert.Equal(TokenKeyOptions.DefaultJwksCacheLifetime, options.Subscription.JwksCacheLifetime);
    }

    [Fact]
    public void Invalid_configuration_fails_start_up_validation_without_quoting_secrets()
    {
        using var services = Bind(new Dictionary<string, string?>
        {
            ["Gateway:Token:HmacSecretKey"] = ShortSecret,
            ["Gateway:Token:RsaPublicKeyPem"] = "garbage-pem-value",
        });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("Gateway:Token:HmacSecretKey", error.Message, StringComparison.Ordinal);
        Assert.Contains("Gateway:Token:RsaPublicKeyPem", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(ShortSecret, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("garbage-pem-value", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Valid_configuration_passes_start_up_validation_and_resolves_the_verifier()
    {
        using var services = Bind(new Dictionary<string, string?> { ["Gateway:Token:HmacSecretKey"] = TestKeys.HmacSecret });

        services.GetRequiredService<IStartupValidator>().Validate();

        Assert.IsType<TokenVerifier>(services.GetRequiredService<ITokenVerifier>());
        Assert.Same(services.GetRequiredService<ITokenVerifier>(), services.GetRequiredService<ITokenVerifier>());
        Assert.NotNull(services.GetRequiredService<IHttpClientFactory>().CreateClient(TokenVerifier.JwksHttpClientName));
    }

    [Fact]
    public void Verifier_refuses_invalid_options_without_quoting_secrets()
    {
        var error = Assert.Throws<InvalidOperationException>(() => TestVerifier.Create(new TokenOptions { HmacSecretKey = ShortSecret }));

        Assert.DoesNotContain(ShortSecret, error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Bind(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddTokenVerification(configuration.GetSection(TokenOptions.SectionName));
        return services.BuildServiceProvider();
    }

    private static void AssertNoSecretIn(IEnumerable<string> errors, string secret)
    {
        var body = secret.Replace("-----BEGIN", string.Empty, StringComparison.Ordinal);
        foreach (var line in body.Split('\n').Where(l => l.Length >= 8 && !l.Contains("-----", StringComparison.Ordinal)).Append(secret))
        {
            Assert.All(errors, e => Assert.DoesNotContain(line, e, StringComparison.Ordinal));
        }
    }
}
