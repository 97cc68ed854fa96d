using System.Net;
using Npgsql;
using Realtime.Testing;

namespace Realtime.History.Tests;

/// <summary>
/// PostgreSQL unreachable when history starts (a rolling deploy, a database failover): the
/// service listens, stays alive and reports not ready, keeps trying, and becomes ready once
/// PostgreSQL answers. Before, it did not listen until the schema was migrated, so liveness and
/// startup probes failed and Kubernetes restarted it in a loop.
/// </summary>
public sealed class HistoryStartupTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task History_is_alive_and_not_ready_while_postgres_is_unreachable_and_ready_once_it_answers()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var postgres = await PostgresServer.StartAsync();
        await postgres.CreateDatabaseAsync("historydb");
        await using var proxy = StallingTcpProxy.Start(() => postgres.Port);
        proxy.Stall();
        var throughProxy = new NpgsqlConnectionStringBuilder(postgres.ConnectionString("historydb")) { Port = proxy.Port, Timeout = 2 }.ConnectionString;
        await using var history = new ServiceProcess("history", "History", FreePort.Next(), new Dictionary<string, string>
        {
            ["ConnectionStrings__redis"] = $"{redis.ConnectionString},abortConnect=false",
            ["ConnectionStrings__historydb"] = throughProxy,
        });

        await history.StartAsync(readyPath: "/alive");

        // Two failed attempts later it still runs, alive and not ready.
        await Eventually.TrueAsync(() => Task.FromResult(Attempts(history) >= 2), Timeout, "two failed attempts to reach PostgreSQL");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        Assert.NotEqual(0, history.ProcessId);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(history.Address, "/alive"))).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync(new Uri(history.Address, "/health"))).StatusCode);

        proxy.Resume();

        await Eventually.TrueAsync(async () => (await http.GetAsync(new Uri(history.Address, "/health"))).IsSuccessStatusCode, Timeout, "history ready once PostgreSQL answers");
        await using var dataSource = NpgsqlDataSource.Create(postgres.ConnectionString("historydb"));
        await using var migrations = dataSource.CreateCommand("SELECT count(*) FROM schema_migrations");
        Assert.Equal((long)Storage.SchemaMigrator.EmbeddedMigrations().Count(), (long)(await migrations.ExecuteScalarAsync())!);
    }

    private static int Attempts(ServiceProcess history) =>
        File.ReadLines(history.LogPath).Count(line => line.Contains("Schema not migrated yet", StringComparison.Ordinal));
}
