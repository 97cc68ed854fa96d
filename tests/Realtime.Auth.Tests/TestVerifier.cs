using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Realtime.Auth.Tests;

/// <summary>Builds verifiers on a fake clock starting at <see cref="Now"/>.</summary>
internal static class TestVerifier
{
    public static readonly DateTimeOffset Now = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public static TokenOptions HmacOptions() => new() { HmacSecretKey = TestKeys.HmacSecret };

    public static TokenVerifier Create(TokenOptions options, FakeTimeProvider? time = null) =>
        new(Options.Create(options), new NoHttpClientFactory(), time ?? new FakeTimeProvider(Now), NullLogger<TokenVerifier>.Instance);

    public static TokenVerifier Create(out FakeTimeProvider time, TokenOptions? options = null)
    {
        time = new FakeTimeProvider(Now);
        return Create(options ?? HmacOptions(), time);
    }

    /// <summary>
    /// Asserts the exact failure type and that the message quotes neither the token nor any of its parts.
    /// </summary>
    public static async Task<T> AssertFailsAsync<T>(string token, Func<ValueTask> verify)
        where T : TokenVerificationException
    {
        var exception = await Assert.ThrowsAsync<T>(async () => await verify());
        Assert.False(string.IsNullOrWhiteSpace(exception.Message));
        foreach (var part in token.Split('.').Append(token).Where(p => p.Length >= 8))
        {
            Assert.DoesNotContain(part, exception.Message, StringComparison.Ordinal);
        }

        return exception;
    }

    public static Task<T> AssertConnectFailsAsync<T>(this ITokenVerifier verifier, string token)
        where T : TokenVerificationException =>
        AssertFailsAsync<T>(token, async () => await verifier.VerifyConnectionTokenAsync(token, CancellationToken.None));

    public static Task<T> AssertSubscribeFailsAsync<T>(this ITokenVerifier verifier, string token, string user, string channel)
        where T : TokenVerificationException =>
        AssertFailsAsync<T>(token, async () => await verifier.VerifySubscriptionTokenAsync(token, user, channel, CancellationToken.None));

    public static ValueTask<ConnectionToken> ConnectAsync(this ITokenVerifier verifier, string token) =>
        verifier.VerifyConnectionTokenAsync(token, CancellationToken.None);

    public static ValueTask<SubscriptionToken> SubscribeAsync(this ITokenVerifier verifier, string token, string user, string channel) =>
        verifier.VerifySubscriptionTokenAsync(token, user, channel, CancellationToken.None);

    private sealed class NoHttpClientFactory : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => throw new InvalidOperationException("No JWKS in this test.");
    }
}
