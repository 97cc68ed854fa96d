using System.Diagnostics;

namespace Realtime.Connection.Clients;

/// <summary>
/// Two token buckets per connection. The first allows <c>rate</c> commands per second with
/// bursts up to <c>burst</c>; commands over it are refused (111). The second counts refusals
/// and drains at the same rate: when it holds more than a whole burst the client is not
/// merely bursty but flooding, and is disconnected (3013).
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
        _refusals = Math.Max(0, _refusals - refill);
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
