using Realtime.Bench.Reporting;

namespace Realtime.Bench.Scenarios;

/// <summary>
/// The common shape of the publishing scenarios: connect, publish through a warm-up, measure a
/// window (during which a scenario's <c>during</c> step may disturb the system), stop, drain, count.
/// </summary>
internal static class TimedPublishing
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(20);

    public static async Task<ScenarioResult> RunAsync(ScenarioContext context, string scenario, string label, Dictionary<string, string> parameters,
        ClientLayout layout, ScenarioSettings settings, double rate, Func<PublishingRun, Task>? during = null, CancellationToken cancellationToken = default)
    {
        await using var run = new PublishingRun(context, layout, settings.Size);
        context.Log.WriteLine($"[{label}] connecting {layout.Clients.Length} clients…");
        await run.ConnectAllAsync(cancellationToken);
        context.Log.WriteLine($"[{label}] connected at {run.ConnectRate}/s; publishing {rate}/s, warm-up {settings.Warmup.TotalSeconds} s, measuring {settings.Duration.TotalSeconds} s");

        run.StartPublishing(rate);
        using var stopProgress = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var progress = ReportProgressAsync(context, run, stopProgress.Token);
        await Task.Delay(settings.Warmup, cancellationToken);

        var sampler = context.Sampler();
        var before = sampler.Take();
        var sentBefore = run.Pacer!.Sent;
        var ackedBefore = run.Acked();
        run.Observer.Latency.OpenWindow();
        var window = Task.Delay(settings.Duration, cancellationToken);
        if (during is not null)
        {
            await during(run);
        }

        await window;
        run.Observer.Latency.CloseWindow();
        var after = sampler.Take();
        var sent = run.Pacer.Sent - sentBefore;
        var acked = run.Acked() - ackedBefore;

        await stopProgress.CancelAsync();
        await progress;
        await run.StopPublishingAsync();
        var drained = await run.DrainAsync(DrainTimeout);
        var result = run.Result(scenario, label, parameters, rate, sampler, before, after, sent, acked);
        if (!drained)
        {
            result.Notes.Add($"not everything acknowledged arrived within {DrainTimeout.TotalSeconds} s of the end");
        }

        return result;
    }

    /// <summary>A line every few seconds (warm-up included): what was sent, delivered, and how late.</summary>
    private static async Task ReportProgressAsync(ScenarioContext context, PublishingRun run, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(ProgressInterval);
        var lastSent = 0L;
        var lastDelivered = 0L;
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                var sent = run.Pacer?.Sent ?? 0;
                var delivered = run.Observer.Ledger.UniqueDeliveries;
                var latency = run.Observer.Latency.TakeInterval();
                var seconds = ProgressInterval.TotalSeconds;
                context.Log.WriteLine($"  sent {(sent - lastSent) / seconds,8:F0}/s  delivered {(delivered - lastDelivered) / seconds,8:F0}/s  p50 {latency.P50,7:F1}  p99 {latency.P99,7:F1}  max {latency.Max,7:F1} ms");
                (lastSent, lastDelivered) = (sent, delivered);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(5);
}
