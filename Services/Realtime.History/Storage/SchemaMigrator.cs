using System.Reflection;
using Npgsql;

namespace Realtime.History.Storage;

/// <summary>
/// Brings the database schema up to date. Migrations are embedded SQL files applied in name
/// order, each once, under an advisory lock so several history instances starting together do
/// not race. It runs beside the web host rather than before it: while PostgreSQL is unreachable
/// the service listens, answers liveness and reports not ready, and keeps trying — a database
/// outage at start no longer restarts the process in a loop. Ingest and retention wait for it.
/// </summary>
internal partial class SchemaMigrator(NpgsqlDataSource dataSource, SchemaReadiness readiness, ILogger<SchemaMigrator> logger) : BackgroundService
{
    private const long MigrationLockKey = 0x5245414c54494d45; // "REALTIME"
    private static readonly TimeSpan LongestRetryDelay = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await MigrateAsync(stoppingToken);
                readiness.MarkMigrated();
                return;
            }
            // A migration that fails for its own reasons is not waited out: it stops the service, loudly.
            catch (Exception e) when ((e is NpgsqlException { IsTransient: true } or TimeoutException or System.Net.Sockets.SocketException) && !stoppingToken.IsCancellationRequested)
            {
                LogWaiting(e, attempt);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(attempt, LongestRetryDelay.TotalSeconds)), stoppingToken);
            }
        }
    }

    /// <summary>Applies the migrations not applied yet; throws when PostgreSQL cannot be reached.</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await Execute(connection, $"SELECT pg_advisory_lock({MigrationLockKey})", cancellationToken);
        try
        {
            await Execute(connection, """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    name text PRIMARY KEY,
                    applied_at timestamptz NOT NULL DEFAULT now())
                """, cancellationToken);

            foreach (var (name, sql) in EmbeddedMigrations())
            {
                await using var check = new NpgsqlCommand("SELECT 1 FROM schema_migrations WHERE name = $1", connection);
                check.Parameters.AddWithValue(name);
                if (await check.ExecuteScalarAsync(cancellationToken) is not null)
                {
                    continue;
                }

                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await using (var apply = new NpgsqlCommand(sql, connection, transaction))
                {
                    await apply.ExecuteNonQueryAsync(cancellationToken);
                }

                await using (var record = new NpgsqlCommand("INSERT INTO schema_migrations (name) VALUES ($1)", connection, transaction))
                {
                    record.Parameters.AddWithValue(name);
                    await record.ExecuteNonQueryAsync(cancellationToken);
                }

                await transaction.CommitAsync(cancellationToken);
                LogApplied(name);
            }
        }
        finally
        {
            await Execute(connection, $"SELECT pg_advisory_unlock({MigrationLockKey})", CancellationToken.None);
        }
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static IEnumerable<(string Name, string Sql)> EmbeddedMigrations()
    {
        var assembly = Assembly.GetExecutingAssembly();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("migrations.", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            yield return (resource["migrations.".Length..^".sql".Length], reader.ReadToEnd());
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied schema migration {Migration}")]
    private partial void LogApplied(string migration);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schema not migrated yet: PostgreSQL not reachable (attempt {Attempt}); the service stays not ready")]
    private partial void LogWaiting(Exception exception, int attempt);
}
