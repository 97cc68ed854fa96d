using System.Text;
using static Realtime.Auth.Tests.TestVerifier;

namespace Realtime.Auth.Tests;

public sealed class ClaimTests
{
    [Fact]
    public async Task Info_keeps_the_raw_json_bytes_as_signed()
    {
        const string info = """{ "name" : "Alice", "roles": ["a", "b"], "n": 2.50, "é": "\u00e9" }""";
        var verifier = Create(out _);

        var verified = await verifier.ConnectAsync(Tokens.Hmac($$"""{"sub":"u","info":{{info}}}"""));

        Assert.Equal(info, Encoding.UTF8.GetString(verified.Info.Span));
    }

    [Theory]
    [InlineData("\"just text\"")]
    [InlineData("42")]
    [InlineData("[1,2,3]")]
    [InlineData("true")]
    public async Task Info_may_be_any_json_value(string info)
    {
        var verifier = Create(out _);

        var verified = await verifier.ConnectAsync(Tokens.Hmac($$"""{"sub":"u","info":{{info}}}"""));

        Assert.Equal(info, Encoding.UTF8.GetString(verified.Info.Span));
    }

    [Fact]
    public async Task B64info_is_decoded_when_info_is_absent()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"role":"admin","n":[1,2]}""");
        var verifier = Create(out _);

        var verified = await verifier.ConnectAsync(Tokens.Hmac($$"""{"sub":"u","b64info":"{{Convert.ToBase64String(bytes)}}"}"""));

        Assert.Equal(bytes, verified.Info.ToArray());
    }

    [Theory]
    [InlineData(new byte[] { 0, 1, 2, 250, 255 })]
    [InlineData(new byte[] { (byte)'1', (byte)',', (byte)'"', (byte)'x', (byte)'"', (byte)':', (byte)'2' })] // a fragment: 1,"x":2
    public async Task B64info_that_is_not_one_json_value_is_invalid(byte[] bytes)
    {
        var verifier = Create(out _);
        await verifier.AssertConnectFailsAsync<InvalidTokenException>(Tokens.Hmac($$"""{"sub":"u","b64info":"{{Convert.ToBase64String(bytes)}}"}"""));
    }

    [Fact]
    public async Task Info_wins_over_b64info()
    {
        var verifier = Create(out _);
        var b64 = Convert.ToBase64String("ignored"u8.ToArray());

        var verified = await verifier.ConnectAsync(Tokens.Hmac($$$"""{"sub":"u","b64info":"{{{b64}}}","info":{"x":1}}"""));

        Assert.Equal("""{"x":1}""", Encoding.UTF8.GetString(verified.Info.Span));
    }

    [Theory]
    [InlineData("""{"sub":"u"}""")]
    [InlineData("""{"sub":"u","info":null}""")]
    [InlineData("""{"sub":"u","b64info":""}""")]
    public async Task Absent_info_is_empty(string payload)
    {
        var verifier = Create(out _);

        var verified = await verifier.ConnectAsync(Tokens.Hmac(payload));

        Assert.True(verified.Info.IsEmpty);
    }

    [Fact]
    public async Task Malformed_b64info_is_invalid()
    {
        var verifier = Create(out _);

        await verifier.AssertConnectFailsAsync<InvalidTokenException>(Tokens.Hmac("""{"sub":"u","b64info":"***"}"""));
    }

    [Fact]
    public async Task Subscription_token_carries_channel_info()
    {
        var verifier = Create(out _);
        var b64 = Convert.ToBase64String("\"room-meta\""u8.ToArray());

        var withInfo = await verifier.SubscribeAsync(Tokens.Hmac("""{"sub":"u","channel":"$r","info":{"role":"mod"}}"""), "u", "$r");
        var withB64 = await verifier.SubscribeAsync(Tokens.Hmac($$"""{"sub":"u","channel":"$r","b64info":"{{b64}}"}"""), "u", "$r");

        Assert.Equal("""{"role":"mod"}""", Encoding.UTF8.GetString(withInfo.Info.Span));
        Assert.Equal("\"room-meta\"", Encoding.UTF8.GetString(withB64.Info.Span));
    }

    [Fact]
    public async Task Channels_claim_lists_server_side_subscriptions()
    {
        var verifier = Create(out _);

        var verified = await verifier.ConnectAsync(Tokens.Hmac("""{"sub":"u","channels":["news","chat:lobby","#u"]}"""));

        Assert.Equal(["news", "chat:lobby", "#u"], verified.Channels);
    }

    [Fact]
    public async Task Absent_channels_claim_is_empty()
    {
        var verifier = Create(out _);

        var verified = await verifier.ConnectAsync(Tokens.Hmac("""{"sub":"u"}"""));

        Assert.Empty(verified.Channels);
    }

    [Theory]
    [InlineData("""{"sub":"u","channels":"news"}""")]
    [InlineData("""{"sub":"u","channels":["news",1]}""")]
    [InlineData("""{"sub":42}""")]
    [InlineData("""{"sub":"u","channel":["x"]}""")]
    public async Task Claims_of_the_wrong_type_are_invalid(string payload)
    {
        var verifier = Create(out _);

        await verifier.AssertConnectFailsAsync<InvalidTokenException>(Tokens.Hmac(payload));
    }

    [Theory]
    [InlineData("""{"sub":""}""")]
    [InlineData("""{}""")]
    [InlineData("""{"sub":null}""")]
    public async Task Empty_or_absent_sub_is_the_anonymous_user(string payload)
    {
        var verifier = Create(out _);

        var verified = await verifier.ConnectAsync(Tokens.Hmac(payload));

        Assert.Equal(string.Empty, verified.User);
    }

    [Fact]
    public async Task Unknown_claims_are_ignored()
    {
        var verifier = Create(out _);

        var verified = await verifier.ConnectAsync(Tokens.Hmac("""{"sub":"u","meta":{"deep":[{"a":1}]},"jti":"x","subs":{"c":{}},"iat":1}"""));

        Assert.Equal("u", verified.User);
    }

    [Fact]
    public async Task Subscription_token_cannot_be_used_to_connect()
    {
        var verifier = Create(out _);

        await verifier.AssertConnectFailsAsync<InvalidTokenException>(Tokens.Hmac("""{"sub":"u","channel":"$private"}"""));
    }

    [Fact]
    public async Task Audience_and_issuer_are_ignored_when_not_configured()
    {
        var verifier = Create(out _);

        var verified = await verifier.ConnectAsync(Tokens.Hmac("""{"sub":"u","aud":"anything","iss":"anyone"}"""));

        Assert.Equal("u", verified.User);
    }

    [Fact]
    public async Task Configured_audience_must_match()
    {
        var options = HmacOptions();
        options.Audience = "realtime";
        var verifier = Create(out _, options);

        await verifier.ConnectAsync(Tokens.Hmac("""{"sub":"u","aud":"realtime"}"""));
        await verifier.ConnectAsync(Tokens.Hmac("""{"sub":"u","aud":["other","realtime"]}"""));
        var wrong = await verifier.AssertConnectFailsAsync<InvalidTokenException>(Tokens.Hmac("""{"sub":"u","aud":"other"}"""));
        await verifier.AssertConnectFailsAsync<InvalidTokenException>(Tokens.Hmac("""{"sub":"u"}"""));

        Assert.Contains("audience", wrong.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Configured_issuer_must_match()
    {
        var options = HmacOptions();
        options.Issuer = "https://issuer.example";
        var verifier = Create(out _, options);

        await verifier.ConnectAsync(Tokens.Hmac("""{"sub":"u","iss":"https://issuer.example"}"""));
        var wrong = await verifier.AssertConnectFailsAsync<InvalidTokenException>(Tokens.Hmac("""{"sub":"u","iss":"https://evil.example"}"""));
        await verifier.AssertConnectFailsAsync<InvalidTokenException>(Tokens.Hmac("""{"sub":"u"}"""));

        Assert.Contains("issuer", wrong.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Configured_audience_and_issuer_apply_to_subscription_tokens_without_separate_keys()
    {
        var options = HmacOptions();
        options.Audience = "realtime";
        var verifier = Create(out _, options);

        await verifier.SubscribeAsync(Tokens.Hmac("""{"sub":"u","channel":"$c","aud":"realtime"}"""), "u", "$c");
        await verifier.AssertSubscribeFailsAsync<InvalidTokenException>(Tokens.Hmac("""{"sub":"u","channel":"$c"}"""), "u", "$c");
    }
}
