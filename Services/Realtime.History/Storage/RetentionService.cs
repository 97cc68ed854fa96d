using Microsoft.Extensions.Options;
using Npgsql;

namespace Realtime.History.Storage;

/// <summary>
/// Keeps PostgreSQL bounded: deletes stored publications older than
/// <see cref="HistoryOptions.RetentionAge"/> and, per channel, beyond the newest
/// <see cref="HistoryOptions.RetentionCount"/> offsets. Deletes go in small batches so they never
/// hold long locks against ingest; durable tops (channel_tops) are never deleted. Every history
/// instance runs the timer, but a pass holds a PostgreSQL advisory lock: one instance deletes
/// while the others skip, instead of all of them scanning for the same rows.
/// </summary>
internal partial class RetentionService(NpgsqlDataSource dataSource, SchemaReadiness schema, IOptions<HistoryOptions> options, TimeProvider time, ILogger<RetentionService> logger) : BackgroundService
{
    /// <summary>The advisory lock a pass holds; any constant the other advisory locks do not use ("rt-reten").</summary>
    public const long PassLockKey = 0x72742D726574656E;

    private const int BatchSize = 10_000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await schema.Migrated.WaitAsync(stoppingToken);
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

    /// <summary>One retention pass; returns how many rows went (0 when another instance holds the pass).</summary>
    public async Task<long> RunOnceAsync(CancellationToken cancellationToken)
    {
        // A session lock on a pooled connection: it goes when unlocked or when the connection dies.
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (!await ExecuteScalarAsync<bool>(connection, "SELECT pg_try_advisory_lock($1)", PassLockKey, cancellationToken))
        {
            LogSkipped();
            return 0;
        }

        try
        {
            var cutoff = time.GetUtcNow() - options.Value.RetentionAge;
            // By age: the published_at index finds the rows.
            var removed = await DeleteInBatchesAsync(connection, """
                DELETE FROM publications WHERE ctid IN (SELECT ctid FROM publications WHERE published_at < $1 LIMIT $2)
                """, cutoff.UtcDateTime, cancellationToken);
            // By count: the durable top bounds each channel, so each channel is one primary-key range
            // scan rather than an aggregate over the whole table.
            removed += await DeleteInBatchesAsync(connection, """
                DELETE FROM publications WHERE ctid IN (
                    SELECT p.ctid FROM channel_tops t
                    JOIN publications p ON p.channel = t.channel AND p."offset" <= t.top_offset - $1
                    LIMIT $2)
                """, (long)options.Value.RetentionCount, cancellationToken);
            return removed;
        }
        finally
        {
            await ExecuteScalarAsync<bool>(connection, "SELECT pg_advisory_unlock($1)", PassLockKey, CancellationToken.None);
        }
    }

    private static async Task<long> DeleteInBatchesAsync<T>(NpgsqlConnection connection, string sql, T bound, CancellationToken cancellationToken)
    {
        long removed = 0;
        int batch;
        do
        {
            await using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.Add(new NpgsqlParameter<T> { TypedValue = bound });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = BatchSize });
            batch = await command.ExecuteNonQueryAsync(cancellationToken);
            removed += batch;
        }
        while (batch == BatchSize);

        return removed;
    }

    private static async Task<TResult> ExecuteScalarAsync<TResult>(NpgsqlConnection connection, string sql, long key, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = key });
        return (TResult)(await command.ExecuteScalarAsync(cancellationToken))!;
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

    [LoggerMessage(Level = LogLevel.Debug, Message = "Retention pass skipped: another history instance is running one")]
    private partial void LogSkipped();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention pass failed; it runs again at the next interval")]
    private partial void LogFailed(Exception exception);
}
