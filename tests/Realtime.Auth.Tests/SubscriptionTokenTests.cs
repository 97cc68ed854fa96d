using static Realtime.Auth.Tests.TestVerifier;

namespace Realtime.Auth.Tests;

public sealed class SubscriptionTokenTests
{
    [Fact]
    public async Task Valid_subscription_token_is_accepted()
    {
        var verifier = Create(out _);
        var exp = Tokens.Unix(Now.AddMinutes(30));

        var verified = await verifier.SubscribeAsync(Tokens.Hmac($$"""{"sub":"17","channel":"$personal:17","exp":{{exp}}}"""), "17", "$personal:17");

        Assert.Equal("17", verified.User);
        Assert.Equal("$personal:17", verified.Channel);
        Assert.Equal(Now.AddMinutes(30), verified.ExpiresAt);
        Assert.True(verified.Info.IsEmpty);
    }

    [Fact]
    public async Task Wrong_channel_is_invalid()
    {
        var verifier = Create(out _);
        var token = Tokens.Hmac("""{"sub":"17","channel":"$personal:17"}""");

        var error = await verifier.AssertSubscribeFailsAsync<InvalidTokenException>(token, "17", "$personal:18");

        Assert.Contains("channel", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("$personal", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Channel_comparison_is_exact()
    {
        var verifier = Create(out _);

        await verifier.AssertSubscribeFailsAsync<InvalidTokenException>(Tokens.Hmac("""{"sub":"17","channel":"$Room"}"""), "17", "$room");
    }

    [Fact]
    public async Task Wrong_user_is_invalid()
    {
        var verifier = Create(out _);
        var token = Tokens.Hmac("""{"sub":"17","channel":"$personal:17"}""");

        var error = await verifier.AssertSubscribeFailsAsync<InvalidTokenException>(token, "18", "$personal:17");

        Assert.Contains("user", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Anonymous_connection_matches_a_token_without_sub()
    {
        var verifier = Create(out _);

        var verified = await verifier.SubscribeAsync(Tokens.Hmac("""{"channel":"$public-ish"}"""), string.Empty, "$public-ish");

        Assert.Equal(string.Empty, verified.User);
        await verifier.AssertSubscribeFailsAsync<InvalidTokenException>(Tokens.Hmac("""{"channel":"$public-ish"}"""), "17", "$public-ish");
    }

    [Fact]
    public async Task Connection_token_is_not_a_subscription_token()
    {
        var verifier = Create(out _);

        var error = await verifier.AssertSubscribeFailsAsync<InvalidTokenException>(Tokens.Hmac("""{"sub":"17"}"""), "17", "$c");

        Assert.Contains("channel", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Subscription_token_with_bad_signature_is_invalid()
    {
        var verifier = Create(out _);

        await verifier.AssertSubscribeFailsAsync<InvalidTokenException>(
            Tokens.Hmac("""{"sub":"17","channel":"$c"}""", TestKeys.OtherHmacSecret), "17", "$c");
    }

    [Fact]
    public async Task Separate_subscription_keys_verify_subscription_tokens_only()
    {
        var subscriptionSecret = TestKeys.RandomSecret(48);
        var options = new TokenOptions
        {
            RsaPublicKeyPem = TestKeys.RsaPem,
            Subscription = new TokenKeyOptions { HmacSecretKey = subscriptionSecret },
        };
        var verifier = Create(out _, options);
        const string subscription = """{"sub":"17","channel":"$c"}""";

        // Subscription tokens: the subscription key, not the connection key.
        Assert.Equal("$c", (await verifier.SubscribeAsync(Tokens.Hmac(subscription, subscriptionSecret), "17", "$c")).Channel);
        await verifier.AssertSubscribeFailsAsync<InvalidTokenException>(Tokens.Rsa(subscription), "17", "$c");

        // Connection tokens: the connection key, not the subscription key.
        Assert.Equal("17", (await verifier.ConnectAsync(Tokens.Rsa("""{"sub":"17"}"""))).User);
        await verifier.AssertConnectFailsAsync<InvalidTokenException>(Tokens.Hmac("""{"sub":"17"}""", subscriptionSecret));
    }

    [Fact]
    public async Task Without_subscription_keys_the_connection_keys_verify_subscription_tokens()
    {
        var options = new TokenOptions { EcdsaPublicKeyPem = TestKeys.EcP256Pem };
        var verifier = Create(out _, options);

        var verified = await verifier.SubscribeAsync(Tokens.Ecdsa("""{"sub":"17","channel":"$c"}"""), "17", "$c");

        Assert.Equal("17", verified.User);
    }

    [Fact]
    public async Task Separate_subscription_config_has_its_own_audience_and_issuer()
    {
        var subscriptionSecret = TestKeys.RandomSecret(32);
        var options = new TokenOptions
        {
            HmacSecretKey = TestKeys.HmacSecret,
            Audience = "gateway",
            Issuer = "idp",
            Subscription = new TokenKeyOptions { HmacSecretKey = subscriptionSecret, Issuer = "app-backend" },
        };
        var verifier = Create(out _, options);

        await verifier.ConnectAsync(Tokens.Hmac("""{"sub":"17","aud":"gateway","iss":"idp"}"""));
        await verifier.SubscribeAsync(Tokens.Hmac("""{"sub":"17","channel":"$c","iss":"app-backend"}""", subscriptionSecret), "17", "$c");
        await verifier.AssertSubscribeFailsAsync<InvalidTokenException>(
            Tokens.Hmac("""{"sub":"17","channel":"$c","iss":"idp"}""", subscriptionSecret), "17", "$c");
    }
}
