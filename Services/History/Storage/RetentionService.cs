using Microsoft.Extensions.Options;
using Npgsql;

namespace Realtime.History.Storage;

/// <summary>
/// Keeps PostgreSQL bounded: deletes stored publications older than
/// <see cref="HistoryOptions.RetentionAge"/> and, per channel, beyond the newest
/// <see cref="HistoryOptions.RetentionCount"/> offsets. Deletes go in small batches so they never
/// hold long locks against ingest; durable tops (channel_tops) are never deleted.
/// </summary>
public sealed partial class RetentionService(NpgsqlDataSource dataSource, IOptions<HistoryOptions> options, TimeProvider time, ILogger<RetentionService> logger) : BackgroundService
{
    private const int BatchSize = 10_000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RetentionInterval);
        do
        {
            try
            {
                var removed = await RunOnceAsync(stoppingToken);
                if (removed > 0)
                {
                    LogRemoved(removed);
                }
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                LogFailed(e);
            }
        }
        while (await TickAsync(timer, stoppingToken));
    }

    /// <summary>One retention pass; returns how many rows went.</summary>
    public async Task<long> RunOnceAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - options.Value.RetentionAge;
        long removed = 0;
        int batch;
        do
        {
            await using var byAge = dataSource.CreateCommand("""
                DELETE FROM publications WHERE ctid IN (SELECT ctid FROM publications WHERE published_at < $1 LIMIT $2)
                """);
            byAge.Parameters.AddWithValue(cutoff.UtcDateTime);
            byAge.Parameters.AddWithValue(BatchSize);
            batch = await byAge.ExecuteNonQueryAsync(cancellationToken);
            removed += batch;
        }
        while (batch == BatchSize);

        await using var byCount = dataSource.CreateCommand("""
            DELETE FROM publications p
            USING (SELECT channel, max("offset") - $1 AS floor FROM publications GROUP BY channel HAVING count(*) > $1) t
            WHERE p.channel = t.channel AND p."offset" <= t.floor
            """);
        byCount.Parameters.AddWithValue((long)options.Value.RetentionCount);
        removed += await byCount.ExecuteNonQueryAsync(cancellationToken);
        return removed;
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention removed {Count} stored publications")]
    private partial void LogRemoved(long count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention pass failed; it runs again at the next interval")]
    private partial void LogFailed(Exception exception);
}
