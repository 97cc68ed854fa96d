using System.Diagnostics;

namespace Realtime.Connection.Clients;

/// <summary>
/// A token bucket per connection: <c>rate</c> commands per second with bursts up to
/// <c>burst</c>. Commands over the rate are refused (111); a client that keeps sending
/// after a whole burst was refused is flooding and is disconnected (3013).
/// </summary>
internal sealed class CommandRateLimiter(int rate, int burst)
{
    private double _tokens = burst;
    private long _refilledAt = Stopwatch.GetTimestamp();
    private int _refusedInARow;

    public bool Enabled => rate > 0;

    /// <summary>Takes one token; the verdict tells the session what to do.</summary>
    public RateVerdict Take()
    {
        var now = Stopwatch.GetTimestamp();
        _tokens = Math.Min(burst, _tokens + Stopwatch.GetElapsedTime(_refilledAt, now).TotalSeconds * rate);
        _refilledAt = now;
        if (_tokens >= 1)
        {
            _tokens -= 1;
            _refusedInARow = 0;
            return RateVerdict.Allowed;
        }

        return ++_refusedInARow > burst ? RateVerdict.Flooding : RateVerdict.Refused;
    }
}

internal enum RateVerdict
{
    Allowed,
    Refused,
    Flooding,
}
