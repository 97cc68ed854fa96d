using static Realtime.Auth.Tests.TestVerifier;

namespace Realtime.Auth.Tests;

public sealed class LifetimeTests
{
    private static long At(TimeSpan offset) => Tokens.Unix(Now + offset);

    [Fact]
    public async Task Exp_in_the_future_is_the_connection_expiry()
    {
        var verifier = Create(out _);
        var token = Tokens.Hmac($$"""{"sub":"u","exp":{{At(TimeSpan.FromHours(1))}}}""");

        var verified = await verifier.ConnectAsync(token);

        Assert.Equal(Now + TimeSpan.FromHours(1), verified.ExpiresAt);
    }

    [Fact]
    public async Task Expired_token_throws_token_expired_from_the_second_exp_names()
    {
        var verifier = Create(out var time);
        var token = Tokens.Hmac($$"""{"sub":"u","exp":{{At(TimeSpan.FromMinutes(5))}}}""");

        time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        await verifier.ConnectAsync(token);

        time.Advance(TimeSpan.FromSeconds(1));
        await verifier.AssertConnectFailsAsync<TokenExpiredException>(token);
    }

    [Fact]
    public async Task Expired_subscription_token_throws_token_expired()
    {
        var verifier = Create(out _);
        var token = Tokens.Hmac($$"""{"sub":"u","channel":"$chat","exp":{{At(TimeSpan.FromSeconds(-1))}}}""");

        await verifier.AssertSubscribeFailsAsync<TokenExpiredException>(token, "u", "$chat");
    }

    [Fact]
    public async Task Forged_expired_token_is_invalid_not_expired()
    {
        // Signature comes first: a forger learns nothing from the time checks.
        var verifier = Create(out _);
        var token = Tokens.Hmac($$"""{"sub":"u","exp":{{At(TimeSpan.FromHours(-1))}}}""", TestKeys.OtherHmacSecret);

        await verifier.AssertConnectFailsAsync<InvalidTokenException>(token);
    }

    [Fact]
    public async Task Token_without_exp_never_expires()
    {
        var verifier = Create(out var time);
        var token = Tokens.Hmac("""{"sub":"u","iat":1}""");

        time.Advance(TimeSpan.FromDays(365 * 50));
        var verified = await verifier.ConnectAsync(token);

        Assert.Null(verified.ExpiresAt);
    }

    [Fact]
    public async Task Expire_at_overrides_exp_for_the_connection_expiry()
    {
        var verifier = Create(out _);
        var token = Tokens.Hmac($$"""{"sub":"u","exp":{{At(TimeSpan.FromMinutes(10))}},"expire_at":{{At(TimeSpan.FromDays(1))}}}""");

        var verified = await verifier.ConnectAsync(token);

        Assert.Equal(Now + TimeSpan.FromDays(1), verified.ExpiresAt);
    }

    [Fact]
    public async Task Expire_at_zero_means_the_connection_never_expires()
    {
        var verifier = Create(out _);
        var token = Tokens.Hmac($$"""{"sub":"u","exp":{{At(TimeSpan.FromMinutes(10))}},"expire_at":0}""");

        var verified = await verifier.ConnectAsync(token);

        Assert.Null(verified.ExpiresAt);
    }

    [Fact]
    public async Task Expire_at_in_the_past_throws_token_expired()
    {
        var verifier = Create(out _);
        var token = Tokens.Hmac($$"""{"sub":"u","expire_at":{{At(TimeSpan.FromSeconds(-10))}}}""");

        await verifier.AssertConnectFailsAsync<TokenExpiredException>(token);
    }

    [Fact]
    public async Task Exp_still_bounds_the_token_when_expire_at_is_later()
    {
        var verifier = Create(out _);
        var token = Tokens.Hmac($$"""{"sub":"u","exp":{{At(TimeSpan.FromSeconds(-10))}},"expire_at":{{At(TimeSpan.FromDays(1))}}}""");

        await verifier.AssertConnectFailsAsync<TokenExpiredException>(token);
    }

    [Fact]
    public async Task Subscription_expire_at_sets_the_subscription_expiry()
    {
        var verifier = Create(out _);
        var token = Tokens.Hmac($$"""{"sub":"u","channel":"$c","exp":{{At(TimeSpan.FromMinutes(1))}},"expire_at":{{At(TimeSpan.FromHours(2))}}}""");

        var verified = await verifier.SubscribeAsync(token, "u", "$c");

        Assert.Equal(Now + TimeSpan.FromHours(2), verified.ExpiresAt);
    }

    [Fact]
    public async Task Nbf_in_the_future_is_invalid()
    {
        var verifier = Create(out var time);
        var token = Tokens.Hmac($$"""{"sub":"u","nbf":{{At(TimeSpan.FromMinutes(1))}}}""");

        var error = await verifier.AssertConnectFailsAsync<InvalidTokenException>(token);
        Assert.Contains("nbf", error.Message, StringComparison.Ordinal);

        time.Advance(TimeSpan.FromMinutes(1));
        await verifier.ConnectAsync(token);
    }

    [Fact]
    public async Task Fractional_numeric_dates_are_accepted()
    {
        var verifier = Create(out _);
        var token = Tokens.Hmac($$"""{"sub":"u","exp":{{At(TimeSpan.FromHours(1))}}.75,"nbf":{{At(TimeSpan.FromHours(-1))}}.5}""");

        var verified = await verifier.ConnectAsync(token);

        Assert.Equal(Now + TimeSpan.FromHours(1), verified.ExpiresAt);
    }

    [Fact]
    public async Task Clock_skew_tolerates_slightly_expired_and_early_tokens()
    {
        var options = HmacOptions();
        options.ClockSkew = TimeSpan.FromSeconds(30);
        var verifier = Create(out _, options);
        var recentlyExpired = Tokens.Hmac($$"""{"sub":"u","exp":{{At(TimeSpan.FromSeconds(-20))}}}""");
        var early = Tokens.Hmac($$"""{"sub":"u","nbf":{{At(TimeSpan.FromSeconds(20))}}}""");
        var longExpired = Tokens.Hmac($$"""{"sub":"u","exp":{{At(TimeSpan.FromSeconds(-30))}}}""");

        await verifier.ConnectAsync(recentlyExpired);
        await verifier.ConnectAsync(early);
        await verifier.AssertConnectFailsAsync<TokenExpiredException>(longExpired);
    }

    [Fact]
    public async Task Default_clock_skew_is_zero()
    {
        Assert.Equal(TimeSpan.Zero, new TokenOptions().ClockSkew);
        var verifier = Create(out _);

        await verifier.AssertConnectFailsAsync<TokenExpiredException>(Tokens.Hmac($$"""{"sub":"u","exp":{{At(TimeSpan.FromSeconds(-1))}}}"""));
        await verifier.AssertConnectFailsAsync<InvalidTokenException>(Tokens.Hmac($$"""{"sub":"u","nbf":{{At(TimeSpan.FromSeconds(1))}}}"""));
    }

    [Theory]
    [InlineData("""{"sub":"u","exp":"tomorrow"}""")]
    [InlineData("""{"sub":"u","expire_at":"soon"}""")]
    [InlineData("""{"sub":"u","nbf":true}""")]
    public async Task Time_claims_of_the_wrong_type_are_invalid(string payload)
    {
        var verifier = Create(out _);

        await verifier.AssertConnectFailsAsync<InvalidTokenException>(Tokens.Hmac(payload));
    }
}
