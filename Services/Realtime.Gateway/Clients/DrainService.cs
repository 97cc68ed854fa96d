using Microsoft.Extensions.Options;
using Realtime.Protocol.Codes;

namespace Realtime.Gateway.Clients;

/// <summary>
/// Graceful drain on shutdown (SIGTERM). It runs in the host's "stopping" phase, before any
/// service stops and while Kestrel still listens: readiness fails at once (ServiceDefaults),
/// new WebSockets are answered 503, and after <see cref="GatewayOptions.DrainDelay"/> (time for
/// load balancers to notice) every client is sent 3001 (shutdown) — spread evenly over
/// <see cref="GatewayOptions.DrainWindow"/> so reconnects land on other nodes without a
/// stampede — then it waits for the sessions to end, within the shutdown deadline.
/// </summary>
internal sealed partial class DrainService(SessionRegistry sessions, ShutdownSignal shutdown, IOptions<GatewayOptions> options, ILogger<DrainService> logger) : IHostedLifecycleService
{
    private volatile bool _draining;

    public bool Draining => _draining;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _draining = true;
        shutdown.MarkShuttingDown();
        await Task.Delay(options.Value.DrainDelay, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        var snapshot = sessions.Snapshot().ToList();
        LogDraining(snapshot.Count);
        var window = options.Value.DrainWindow;
        var started = DateTime.UtcNow;
        for (var i = 0; i < snapshot.Count && !cancellationToken.IsCancellationRequested; i++)
        {
            var due = started + (snapshot.Count > 1 ? window * i / (snapshot.Count - 1) : TimeSpan.Zero);
            var wait = due - DateTime.UtcNow;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            snapshot[i].Close(Disconnect.Shutdown);
        }

        while (sessions.Count > 0 && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(50, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        LogDrained(sessions.Count, (DateTime.UtcNow - started).TotalSeconds);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Draining {Count} connections")]
    private partial void LogDraining(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drain finished with {Remaining} connections left after {Seconds:F1} s")]
    private partial void LogDrained(int remaining, double seconds);
}
