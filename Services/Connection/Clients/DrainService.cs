using Microsoft.Extensions.Options;
using Realtime.Protocol.Codes;

namespace Realtime.Connection.Clients;

/// <summary>
/// Graceful drain on shutdown (SIGTERM). Readiness already fails (ServiceDefaults), new
/// WebSockets are refused, and every client is sent 3001 (shutdown) — spread over
/// <see cref="GatewayOptions.DrainWindow"/> so reconnects land elsewhere without a stampede —
/// then the node waits for its sessions to end, up to the shutdown deadline.
/// </summary>
internal sealed partial class DrainService(SessionRegistry sessions, IOptions<GatewayOptions> options, ILogger<DrainService> logger) : IHostedService
{
    private volatile bool _draining;

    public bool Draining => _draining;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _draining = true;
        var snapshot = sessions.Snapshot().ToList();
        LogDraining(snapshot.Count);
        var window = options.Value.DrainWindow;
        var started = DateTime.UtcNow;
        for (var i = 0; i < snapshot.Count; i++)
        {
            // Evenly spaced through the window: each client's reconnect starts at a different moment.
            var due = started + (snapshot.Count > 1 ? window * i / (snapshot.Count - 1) : TimeSpan.Zero);
            var wait = due - DateTime.UtcNow;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            snapshot[i].Disconnect(Disconnect.Shutdown);
        }

        while (sessions.Count > 0 && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(50, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        LogDrained(sessions.Count, (DateTime.UtcNow - started).TotalSeconds);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Draining {Count} connections")]
    private partial void LogDraining(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drain finished with {Remaining} connections left after {Seconds:F1} s")]
    private partial void LogDrained(int remaining, double seconds);
}
