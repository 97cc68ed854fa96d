using System.Diagnostics;
using HdrHistogram;

namespace Realtime.Bench.Measurement;

/// <summary>
/// End-to-end latency (publish sent → publication received) of the publications sent inside
/// the measured window, in an HDR histogram with microsecond resolution.
/// </summary>
internal sealed class LatencyRecorder
{
    private static readonly double MicrosecondsPerTick = 1_000_000.0 / Stopwatch.Frequency;
    private readonly LongConcurrentHistogram _histogram = new(1, 120_000_000, 3);
    private long _windowStart = long.MaxValue;
    private long _windowEnd = long.MaxValue;

    /// <summary>Publications sent from now on are measured.</summary>
    public void OpenWindow() => Volatile.Write(ref _windowStart, Stopwatch.GetTimestamp());

    /// <summary>Publications sent from now on are not.</summary>
    public void CloseWindow() => Volatile.Write(ref _windowEnd, Stopwatch.GetTimestamp());

    public TimeSpan Window => Stopwatch.GetElapsedTime(_windowStart, _windowEnd);

    /// <summary>Records one delivery if its publication was sent inside the window; true when it was.</summary>
    public bool Record(long sentAt, long receivedAt)
    {
        if (sentAt < Volatile.Read(ref _windowStart) || sentAt >= Volatile.Read(ref _windowEnd))
        {
            return false;
        }

        _histogram.RecordValue(Math.Max(1, (long)((receivedAt - sentAt) * MicrosecondsPerTick)));
        return true;
    }

    public LatencySummary Summarize() => _histogram.TotalCount == 0
        ? new LatencySummary(0, 0, 0, 0, 0, 0, 0, 0)
        : new LatencySummary(
            _histogram.TotalCount,
            Milliseconds(_histogram.GetMean()),
            Milliseconds(_histogram.GetValueAtPercentile(50)),
            Milliseconds(_histogram.GetValueAtPercentile(95)),
            Milliseconds(_histogram.GetValueAtPercentile(99)),
            Milliseconds(_histogram.GetValueAtPercentile(99.9)),
            Milliseconds(_histogram.GetMaxValue()),
            Milliseconds(_histogram.GetValueAtPercentile(0)));

    private static double Milliseconds(double microseconds) => Math.Round(microseconds / 1000.0, 2);
}

/// <summary>Latency of the measured deliveries, in milliseconds.</summary>
internal sealed record LatencySummary(long Count, double Mean, double P50, double P95, double P99, double P999, double Max, double Min);
