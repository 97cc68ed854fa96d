namespace Realtime.Client;

/// <summary>
/// Exponential backoff with full jitter: attempt n waits a random time between zero and
/// min(max, min · 2ⁿ). Spreading reconnects over the whole interval keeps thousands of clients
/// of a restarted node from coming back in one wave.
/// </summary>
public sealed class Backoff(TimeSpan min, TimeSpan max, Func<double>? random = null)
{
    private readonly Func<double> _random = random ?? Random.Shared.NextDouble;

    /// <summary>The upper bound of attempt <paramref name="attempt"/> (0-based).</summary>
    public TimeSpan Ceiling(int attempt)
    {
        var exponent = Math.Min(attempt, 30);
        var ceiling = min.TotalMilliseconds * Math.Pow(2, exponent);
        return TimeSpan.FromMilliseconds(Math.Min(max.TotalMilliseconds, ceiling));
    }

    /// <summary>The delay before attempt <paramref name="attempt"/>.</summary>
    public TimeSpan Delay(int attempt) => TimeSpan.FromMilliseconds(Ceiling(attempt).TotalMilliseconds * _random());
}
