using Realtime.Gateway.Clients;

namespace Realtime.Gateway.Tests;

public sealed class CommandRateLimiterTests
{
    [Fact]
    public void A_burst_is_allowed_then_refused_then_called_a_flood()
    {
        // A rate of 1/s cannot refill noticeably while the test runs.
        var limiter = new CommandRateLimiter(rate: 1, burst: 10);
        var verdicts = Enumerable.Range(0, 25).Select(_ => limiter.Take()).ToList();

        Assert.All(verdicts.Take(10), v => Assert.Equal(RateVerdict.Allowed, v));
        Assert.All(verdicts.Skip(10).Take(10), v => Assert.Equal(RateVerdict.Refused, v));
        Assert.Equal(RateVerdict.Flooding, verdicts[20]);
    }

    [Fact]
    public void A_zero_rate_means_no_limit()
    {
        Assert.False(new CommandRateLimiter(0, 10).Enabled);
        Assert.True(new CommandRateLimiter(5, 10).Enabled);
    }
}
