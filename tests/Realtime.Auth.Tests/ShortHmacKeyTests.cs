using Microsoft.IdentityModel.Tokens;

namespace Realtime.Auth.Tests;

/// <summary>Secrets shorter than 32 bytes: refused unless AllowShortHmacKey, then verified with every other rule intact.</summary>
public sealed class ShortHmacKeyTests
{
    private const string Secret = "secret-of-16-by";
    private const string Payload = """{"sub":"42"}""";

    private static TokenVerifier Verifier(string? audience = null) =>
        TestVerifier.Create(new TokenOptions { HmacSecretKey = Secret, AllowShortHmacKey = true, Audience = audience });

    [Fact]
    public void Without_the_opt_in_the_short_secret_is_a_configuration_error_naming_the_opt_in()
    {
        var error = Assert.Single(new TokenOptions { HmacSecretKey = Secret }.Validate());
        Assert.Contains("AllowShortHmacKey", error, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, error, StringComparison.Ordinal);
        Assert.Empty(new TokenOptions { HmacSecretKey = Secret, AllowShortHmacKey = true }.Validate());
    }

    [Theory]
    [InlineData(SecurityAlgorithms.HmacSha256)]
    [InlineData(SecurityAlgorithms.HmacSha384)]
    [InlineData(SecurityAlgorithms.HmacSha512)]
    public async Task With_the_opt_in_each_hmac_algorithm_verifies(string algorithm)
    {
        var verified = await Verifier().ConnectAsync(Tokens.HmacByHand(Payload, Secret, algorithm));
        Assert.Equal("42", verified.User);
    }

    [Fact]
    public async Task Another_secret_a_changed_payload_or_a_foreign_algorithm_is_still_invalid()
    {
        var verifier = Verifier();
        await verifier.AssertConnectFailsAsync<InvalidTokenException>(Tokens.HmacByHand(Payload, "another-secret!"));
        await verifier.AssertConnectFailsAsync<InvalidTokenException>(Tokens.WithPayload(Tokens.HmacByHand(Payload, Secret), """{"sub":"admin"}"""));
        await verifier.AssertConnectFailsAsync<InvalidTokenException>(Tokens.Unsigned(Payload));
        await verifier.AssertConnectFailsAsync<InvalidTokenException>(Tokens.Rsa(Payload));
    }

    [Fact]
    public async Task Lifetime_and_audience_rules_still_apply()
    {
        var expired = Tokens.HmacByHand($$"""{"sub":"42","exp":{{Tokens.Unix(TestVerifier.Now.AddMinutes(-5))}}}""", Secret);
        await Verifier().AssertConnectFailsAsync<TokenExpiredException>(expired);

        var verifier = Verifier(audience: "realtime");
        await verifier.AssertConnectFailsAsync<InvalidTokenException>(Tokens.HmacByHand(Payload, Secret));
        Assert.Equal("42", (await verifier.ConnectAsync(Tokens.HmacByHand("""{"sub":"42","aud":"realtime"}""", Secret))).User);
    }
}
