namespace Realtime.Client.Tests;

public sealed class BackoffTests
{
    [Fact]
    public void The_bound_doubles_from_the_minimum_up_to_the_maximum()
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(20));

        Assert.Equal([500, 1000, 2000, 4000, 8000, 16000, 20000, 20000],
            Enumerable.Range(0, 8).Select(attempt => backoff.Ceiling(attempt).TotalMilliseconds));
        Assert.Equal(TimeSpan.FromSeconds(20), backoff.Ceiling(int.MaxValue));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.25)]
    [InlineData(0.999)]
    public void Full_jitter_spreads_a_delay_over_the_whole_interval_below_the_bound(double random)
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(20), () => random);

        Assert.Equal(backoff.Ceiling(3).TotalMilliseconds * random, backoff.Delay(3).TotalMilliseconds, precision: 6);
    }

    [Theory]
    [InlineData(3000, false)]
    [InlineData(3499, false)]
    [InlineData(3500, true)]
    [InlineData(3999, true)]
    [InlineData(4000, false)]
    [InlineData(4499, false)]
    [InlineData(4500, true)]
    [InlineData(4999, true)]
    [InlineData(1000, false)]
    public void Terminal_codes_are_those_the_protocol_reserves_for_no_reconnect(int code, bool terminal) =>
        Assert.Equal(terminal, RealtimeClient.IsTerminal(code));
}
