using System.Diagnostics;

namespace Realtime.Bench.Scenarios;

/// <summary>
/// Sends at a fixed total rate, open loop: the n-th send is due at n / rate seconds whatever
/// the server's latency, so a slow server cannot slow the load down and hide its own delay
/// (coordinated omission). Runs on a thread of its own, waking every millisecond.
/// </summary>
internal sealed class Pacer(double ratePerSecond, Action<long> send)
{
    private long _sent;

    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>How far behind schedule the sending thread fell at worst (it cannot keep up above this).</summary>
    public TimeSpan WorstLag { get; private set; }

    /// <summary>Sends until <paramref name="stop"/> is cancelled.</summary>
    public Task RunAsync(CancellationToken stop)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                Run(stop);
                done.SetResult();
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        })
        { IsBackground = true, Name = "bench-pacer", Priority = ThreadPriority.AboveNormal };
        thread.Start();
        return done.Task;
    }

    private void Run(CancellationToken stop)
    {
        var started = Stopwatch.GetTimestamp();
        var perSecond = ratePerSecond;
        while (!stop.IsCancellationRequested)
        {
            var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var due = (long)(elapsed * perSecond);
            var behind = (due - _sent) / perSecond;
            if (behind > WorstLag.TotalSeconds)
            {
                WorstLag = TimeSpan.FromSeconds(behind);
            }

            while (_sent < due && !stop.IsCancellationRequested)
            {
                send(_sent);
                Interlocked.Increment(ref _sent);
            }

            Thread.Sleep(1);
        }
    }
}
