using System.Diagnostics;

namespace Realtime.Gateway.Clients;

/// <summary>
/// Two token buckets per connection. The first allows <c>rate</c> commands per second with
/// bursts up to <c>burst</c>; commands over it are refused (111). The second counts refusals
/// and drains at a quarter of the rate: a client that keeps sending well over its rate after
/// being refused piles up more than a whole burst of refusals and is disconnected as a flood
/// (3013), while one that overshoots now and then only sees 111s.
/// </summary>
internal sealed class CommandRateLimiter(int rate, int burst)
{
    private double _tokens = burst;
    private double _refusals;
    private long _refilledAt = Stopwatch.GetTimestamp();

    public bool Enabled => rate > 0;

    /// <summary>Takes one token; the verdict tells the session what to do.</summary>
    public RateVerdict Take()
    {
        var now = Stopwatch.GetTimestamp();
        var refill = Stopwatch.GetElapsedTime(_refilledAt, now).TotalSeconds * rate;
        _refilledAt = now;
        _tokens = Math.Min(burst, _tokens + refill);
        _refusals = Math.Max(0, _refusals - refill / 4);
        if (_tokens >= 1)
        {
            _tokens -= 1;
            return RateVerdict.Allowed;
        }

        return ++_refusals > burst ? RateVerdict.Flooding : RateVerdict.Refused;
    }
}

internal enum RateVerdict
{
    Allowed,
    Refused,
    Flooding,
}
