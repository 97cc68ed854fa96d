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
    // Deliveries keep arriving while a summary is taken (a backlog drains after the window), so
    // both are read through Recorders, which hand out a stable copy while recording goes on.
    private readonly Recorder _measured = new(1, 120_000_000, 3, static (id, lowest, highest, digits) => new LongHistogram(id, lowest, highest, digits));
    private readonly LongHistogram _measuredTotal = new(1, 120_000_000, 3);
    private readonly Lock _totalGate = new();
    private readonly Recorder _interval = new(1, 120_000_000, 3, static (id, lowest, highest, digits) => new LongHistogram(id, lowest, highest, digits));
    private HistogramBase? _recycled;
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
        var microseconds = Math.Clamp((long)((receivedAt - sentAt) * MicrosecondsPerTick), 1, 120_000_000);
        _interval.RecordValue(microseconds);
        if (sentAt < Volatile.Read(ref _windowStart) || sentAt >= Volatile.Read(ref _windowEnd))
        {
            return false;
        }

        _measured.RecordValue(microseconds);
        return true;
    }

    /// <summary>Latency of every delivery since the last call (warm-up included), for progress lines.</summary>
    public LatencySummary TakeInterval()
    {
        var interval = _interval.GetIntervalHistogram(_recycled);
        _recycled = interval;
        try
        {
            return Summarize(interval);
        }
        catch (ArgumentOutOfRangeException)
        {
            // HdrHistogram 2.5.0's iteration (GetMean) has been seen to throw on an interval
            // histogram taken under heavy recording; a progress line is not worth the run. The
            // measured result is summarised from its own histogram.
            return new LatencySummary(interval.TotalCount, 0, 0, 0, 0, 0, 0, 0);
        }
    }

    /// <summary>Latency of the measured deliveries so far.</summary>
    public LatencySummary Summarize()
    {
        lock (_totalGate)
        {
            _measuredTotal.Add(_measured.GetIntervalHistogram());
            return Summarize(_measuredTotal);
        }
    }

    private static LatencySummary Summarize(HistogramBase histogram) => histogram.TotalCount == 0
        ? new LatencySummary(0, 0, 0, 0, 0, 0, 0, 0)
        : new LatencySummary(
            histogram.TotalCount,
            Milliseconds(histogram.GetMean()),
            Milliseconds(histogram.GetValueAtPercentile(50)),
            Milliseconds(histogram.GetValueAtPercentile(95)),
            Milliseconds(histogram.GetValueAtPercentile(99)),
            Milliseconds(histogram.GetValueAtPercentile(99.9)),
            Milliseconds(histogram.GetMaxValue()),
            Milliseconds(histogram.GetValueAtPercentile(0)));

    private static double Milliseconds(double microseconds) => Math.Round(microseconds / 1000.0, 2);
}

/// <summary>Latency of the measured deliveries, in milliseconds.</summary>
internal sealed record LatencySummary(long Count, double Mean, double P50, double P95, double P99, double P999, double Max, double Min);
