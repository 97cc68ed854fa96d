using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;
using Realtime.Auth.Keys;

namespace Realtime.Auth.Tests;

public sealed class JwksTests : IAsyncLifetime
{
    private const string Payload = """{"sub":"42"}""";
    private static readonly RSA RotatedRsa = RSA.Create(2048);

    private readonly FakeTimeProvider _time = new(TestVerifier.Now);
    private JwksServer _server = null!;
    private ServiceProvider? _services;

    public async Task InitializeAsync() =>
        _server = await JwksServer.StartAsync(JwksServer.Document(JwksServer.Jwk("rsa-1", TestKeys.Rsa), JwksServer.Jwk("ec-1", TestKeys.EcP256)));

    public async Task DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Rsa_and_ec_keys_are_selected_by_kid_and_fetched_once()
    {
        var verifier = CreateVerifier();

        for (var i = 0; i < 25; i++)
        {
            Assert.Equal("42", (await verifier.ConnectAsync(Tokens.Rsa(Payload, kid: "rsa-1"))).User);
            Assert.Equal("42", (await verifier.ConnectAsync(Tokens.Ecdsa(Payload, kid: "ec-1"))).User);
            _time.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Equal(1, _server.Fetches);
    }

    [Fact]
    public async Task Token_without_kid_is_tried_against_every_key_of_its_family()
    {
        var verifier = CreateVerifier();

        Assert.Equal("42", (await verifier.ConnectAsync(Tokens.Rsa(Payload))).User);
        Assert.Equal("42", (await verifier.ConnectAsync(Tokens.Ecdsa(Payload))).User);
    }

    [Fact]
    public async Task Key_set_is_fetched_again_when_the_cache_lifetime_ends()
    {
        var verifier = CreateVerifier(("JwksCacheLifetime", "00:05:00"));
        var token = Tokens.Rsa(Payload, kid: "rsa-1");

        await verifier.ConnectAsync(token);
        _time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        await verifier.ConnectAsync(token);
        Assert.Equal(1, _server.Fetches);

        _time.Advance(TimeSpan.FromSeconds(1));
        await verifier.ConnectAsync(token);
        Assert.Equal(2, _server.Fetches);
    }

    [Fact]
    public async Task Default_cache_lifetime_is_one_hour()
    {
        Assert.Equal(TimeSpan.FromHours(1), new TokenOptions().JwksCacheLifetime);
        var verifier = CreateVerifier();
        var token = Tokens.Rsa(Payload, kid: "rsa-1");

        await verifier.ConnectAsync(token);
        _time.Advance(TimeSpan.FromMinutes(59));
        await verifier.ConnectAsync(token);
        Assert.Equal(1, _server.Fetches);

        _time.Advance(TimeSpan.FromMinutes(1));
        await verifier.ConnectAsync(token);
        Assert.Equal(2, _server.Fetches);
    }

    [Fact]
    public async Task Rotated_key_verifies_after_an_unknown_kid_refresh_which_is_rate_limited()
    {
        var verifier = CreateVerifier();
        await verifier.ConnectAsync(Tokens.Rsa(Payload, kid: "rsa-1"));
        Assert.Equal(1, _server.Fetches);

        _server.Serve(JwksServer.Document(JwksServer.Jwk("rsa-1", TestKeys.Rsa), JwksServer.Jwk("rsa-2", RotatedRsa)));
        var rotated = Tokens.Rsa(Payload, RotatedRsa, kid: "rsa-2");

        // Within the refresh interval of the first fetch the unknown kid cannot trigger a fetch.
        _time.Advance(JwksKeyCache.MinimumRefreshInterval - TimeSpan.FromSeconds(1));
        await verifier.AssertConnectFailsAsync<InvalidTokenException>(rotated);
        Assert.Equal(1, _server.Fetches);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("42", (await verifier.ConnectAsync(rotated)).User);
        Assert.Equal(2, _server.Fetches);

        // Both keys now cached: no more fetches for either.
        for (var i = 0; i < 10; i++)
        {
            await verifier.ConnectAsync(rotated);
            await verifier.ConnectAsync(Tokens.Rsa(Payload, kid: "rsa-1"));
        }

        Assert.Equal(2, _server.Fetches);
    }

    [Fact]
    public async Task Made_up_kids_cause_at_most_one_fetch_per_interval()
    {
        var verifier = CreateVerifier();
        await verifier.ConnectAsync(Tokens.Rsa(Payload, kid: "rsa-1"));

        for (var round = 1; round <= 3; round++)
        {
            _time.Advance(JwksKeyCache.MinimumRefreshInterval);
            for (var i = 0; i < 20; i++)
            {
                await verifier.AssertConnectFailsAsync<InvalidTokenException>(Tokens.Rsa(Payload, TestKeys.OtherRsa, kid: $"bogus-{round}-{i}"));
            }

            Assert.Equal(1 + round, _server.Fetches);
        }
    }

    [Fact]
    public async Task Concurrent_refreshes_share_one_fetch()
    {
        var verifier = CreateVerifier();
        _server.Hold();

        var verifications = Enumerable.Range(0, 20)
            .Select(_ => verifier.ConnectAsync(Tokens.Ecdsa(Payload, kid: "ec-1")).AsTask())
            .ToArray();
        await WaitUntilAsync(() => _server.Fetches == 1);
        Assert.All(verifications, v => Assert.False(v.IsCompleted));

        _server.Release();
        var results = await Task.WhenAll(verifications);

        Assert.All(results, r => Assert.Equal("42", r.User));
        Assert.Equal(1, _server.Fetches);
    }

    [Fact]
    public async Task Cancelling_one_waiter_does_not_cancel_the_shared_fetch()
    {
        var verifier = CreateVerifier();
        _server.Hold();
        using var cancel = new CancellationTokenSource();
        var token = Tokens.Rsa(Payload, kid: "rsa-1");

        var cancelled = verifier.VerifyConnectionTokenAsync(token, cancel.Token).AsTask();
        var patient = verifier.ConnectAsync(token).AsTask();
        await WaitUntilAsync(() => _server.Fetches == 1);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        _server.Release();
        Assert.Equal("42", (await patient).User);
        Assert.Equal(1, _server.Fetches);
    }

    [Fact]
    public async Task Unreachable_jwks_without_a_cached_set_is_unavailable_not_invalid()
    {
        _server.FailWith(503);
        var verifier = CreateVerifier();

        await verifier.AssertConnectFailsAsync<TokenKeysUnavailableException>(Tokens.Rsa(Payload, kid: "rsa-1"));
    }

    [Fact]
    public async Task Failed_refresh_keeps_serving_the_previous_key_set()
    {
        var verifier = CreateVerifier();
        var token = Tokens.Rsa(Payload, kid: "rsa-1");
        await verifier.ConnectAsync(token);

        _server.FailWith(500);
        _time.Advance(TimeSpan.FromHours(2));

        Assert.Equal("42", (await verifier.ConnectAsync(token)).User);
        Assert.Equal(2, _server.Fetches);
    }

    [Fact]
    public async Task Hmac_tokens_are_not_accepted_by_a_jwks_only_configuration()
    {
        // An "oct" key in the set is ignored: a URL must never supply a shared secret.
        var secret = Encoding.UTF8.GetBytes(TestKeys.HmacSecret);
        _server.Serve(JwksServer.Document(
            new { kty = "oct", kid = "oct-1", k = Base64UrlEncoder.Encode(secret) },
            JwksServer.Jwk("rsa-1", TestKeys.Rsa)));
        var verifier = CreateVerifier();
        var forgedWithPublicKey = Tokens.Sign(Payload, new SigningCredentials(
            new SymmetricSecurityKey(Encoding.UTF8.GetBytes(TestKeys.RsaPem)) { KeyId = "rsa-1" }, SecurityAlgorithms.HmacSha256));

        await verifier.AssertConnectFailsAsync<InvalidTokenException>(Tokens.Hmac(Payload));
        await verifier.AssertConnectFailsAsync<InvalidTokenException>(forgedWithPublicKey);
        Assert.Equal(0, _server.Fetches);
    }

    [Fact]
    public async Task Key_of_the_wrong_family_for_the_kid_does_not_verify()
    {
        var verifier = CreateVerifier();

        // ES256 header naming the RSA key's kid.
        await verifier.AssertConnectFailsAsync<InvalidTokenException>(Tokens.Ecdsa(Payload, kid: "rsa-1"));
    }

    [Fact]
    public async Task Jwks_can_be_the_separate_subscription_key_source()
    {
        var connectionSecret = TestKeys.RandomSecret(32);
        var verifier = CreateVerifier(
            ("JwksUrl", null),
            ("HmacSecretKey", connectionSecret),
            ("Subscription:JwksUrl", _server.Url.ToString()));

        await verifier.ConnectAsync(Tokens.Hmac(Payload, connectionSecret));
        var sub = await verifier.SubscribeAsync(Tokens.Rsa("""{"sub":"42","channel":"$c"}""", kid: "rsa-1"), "42", "$c");

        Assert.Equal("$c", sub.Channel);
        await verifier.AssertConnectFailsAsync<InvalidTokenException>(Tokens.Rsa(Payload, kid: "rsa-1"));
    }

    private ITokenVerifier CreateVerifier(params (string Key, string? Value)[] settings)
    {
        var values = new Dictionary<string, string?> { ["Gateway:Token:JwksUrl"] = _server.Url.ToString() };
        foreach (var (key, value) in settings)
        {
            values[$"Gateway:Token:{key}"] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(_time);
        services.AddTokenVerification(configuration.GetSection(TokenOptions.SectionName));
        _services = services.BuildServiceProvider();
        return _services.GetRequiredService<ITokenVerifier>();
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}
