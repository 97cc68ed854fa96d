using Microsoft.Extensions.Options;
using Realtime.Presence.Store;
using Realtime.Presence.Telemetry;
using StackExchange.Redis;

namespace Realtime.Presence.Sweeping;

/// <summary>
/// Every <see cref="PresenceOptions.SweepInterval"/>, drops the entries no gateway refreshed
/// (announcing their leaves) and refreshes the presence gauges. Every presence instance sweeps;
/// each expired entry is removed and announced once.
/// </summary>
internal partial class PresenceSweeper(PresenceStore store, IOptions<PresenceOptions> options, ILogger<PresenceSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval);
        var nextGauges = DateTime.MinValue;
        do
        {
            try
            {
                var swept = await store.SweepAsync();
                if (swept > 0)
                {
                    LogSwept(swept);
                }

                if (DateTime.UtcNow >= nextGauges)
                {
                    var (clients, users, channels) = await store.CountAllAsync();
                    PresenceMetrics.Observe(clients, users, channels);
                    nextGauges = DateTime.UtcNow.AddSeconds(10);
                }
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                LogSweepFailed(e);
            }
        }
        while (await TickAsync(timer, stoppingToken));
    }

    private static async Task<bool> TickAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Dropped {Count} presence entries nobody refreshed")]
    private partial void LogSwept(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Presence sweep failed; it runs again at the next interval")]
    private partial void LogSweepFailed(Exception exception);
}
