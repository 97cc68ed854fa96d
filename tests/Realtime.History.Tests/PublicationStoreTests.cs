using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Realtime.History.Storage;
using Realtime.Messaging.Publications;
using Realtime.Protocol;
using Realtime.Testing;

namespace Realtime.History.Tests;

/// <summary>Schema migrations and batch storage against a real PostgreSQL server.</summary>
public sealed class PublicationStoreTests : IAsyncLifetime
{
    private PostgresServer _postgres = null!;
    private NpgsqlDataSource _dataSource = null!;

    public async Task InitializeAsync()
    {
        _postgres = await PostgresServer.StartAsync();
        await _postgres.CreateDatabaseAsync("historydb");
        _dataSource = NpgsqlDataSource.Create(_postgres.ConnectionString("historydb"));
        await new SchemaMigrator(_dataSource, new SchemaReadiness(), NullLogger<SchemaMigrator>.Instance).MigrateAsync(default);
    }

    public async Task DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        await _postgres.DisposeAsync();
    }

    [Fact]
    public async Task Migrations_apply_once_even_when_run_again()
    {
        await new SchemaMigrator(_dataSource, new SchemaReadiness(), NullLogger<SchemaMigrator>.Instance).MigrateAsync(default);
        await using var command = _dataSource.CreateCommand("SELECT count(*) FROM schema_migrations");
        Assert.Equal((long)SchemaMigrator.EmbeddedMigrations().Count(), (long)(await command.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task A_batch_is_stored_and_a_replay_is_skipped()
    {
        var store = new PublicationStore(_dataSource);
        var batch = Enumerable.Range(1, 100).Select(i => Sequenced("chat:store", (ulong)i)).ToList();

        Assert.Equal(100, await store.StoreAsync(batch, default));
        Assert.Equal(0, await store.StoreAsync(batch, default));
        Assert.Equal(1, await store.StoreAsync([.. batch.Take(50), Sequenced("chat:store", 101)], default));

        await using var command = _dataSource.CreateCommand("""SELECT count(*), min("offset"), max("offset") FROM publications WHERE channel = 'chat:store'""");
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Equal(101L, reader.GetInt64(0));
        Assert.Equal(1L, reader.GetInt64(1));
        Assert.Equal(101L, reader.GetInt64(2));
    }

    [Fact]
    public async Task The_durable_top_follows_stored_batches_and_never_goes_down()
    {
        var store = new PublicationStore(_dataSource);
        Assert.Equal(0UL, await store.GetTopAsync("chat:top", default));
        await store.StoreAsync([Sequenced("chat:top", 5), Sequenced("chat:top", 7), Sequenced("chat:other", 3)], default);
        Assert.Equal(7UL, await store.GetTopAsync("chat:top", default));
        Assert.Equal(3UL, await store.GetTopAsync("chat:other", default));

        await store.StoreAsync([Sequenced("chat:top", 6)], default);
        await store.RemoveAsync("chat:top", default);
        Assert.Equal(7UL, await store.GetTopAsync("chat:top", default));
    }

    [Fact]
    public async Task The_stored_publication_is_the_exact_json_that_travelled()
    {
        var store = new PublicationStore(_dataSource);
        var sequenced = Sequenced("chat:exact", 1, """{"text":"żółw 🐢","n":1.50}""");
        await store.StoreAsync([sequenced], default);

        await using var command = _dataSource.CreateCommand("""SELECT publication::text, epoch, publication_id FROM publications WHERE channel = 'chat:exact'""");
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        var stored = PublicationCodec.DecodeSequenced(System.Text.Encoding.UTF8.GetBytes(reader.GetString(0)));
        Assert.Equal("""{"text":"żółw 🐢","n":1.50}""", stored.Publication.Data.ToString());
        Assert.Equal("ep", reader.GetString(1));
        Assert.Equal(sequenced.Publication.Id, reader.GetString(2));
    }

    [Fact]
    public async Task Retention_removes_by_age_and_by_count_and_keeps_the_durable_top()
    {
        var store = new PublicationStore(_dataSource);
        var now = DateTimeOffset.UtcNow;
        await store.StoreAsync([.. Enumerable.Range(1, 5).Select(i => Sequenced("chat:old", (ulong)i, time: now.AddDays(-10)))], default);
        await store.StoreAsync([.. Enumerable.Range(1, 30).Select(i => Sequenced("chat:busy", (ulong)i, time: now))], default);
        await store.StoreAsync([Sequenced("chat:fresh", 1, time: now)], default);
        var retention = new RetentionService(_dataSource, new SchemaReadiness(),
            Microsoft.Extensions.Options.Options.Create(new HistoryOptions { RetentionAge = TimeSpan.FromDays(7), RetentionCount = 10 }),
            TimeProvider.System, NullLogger<RetentionService>.Instance);

        Assert.Equal(5 + 20, await retention.RunOnceAsync(default));

        Assert.Empty(await OffsetsAsync("chat:old"));
        Assert.Equal(Enumerable.Range(21, 10).Select(i => (long)i), await OffsetsAsync("chat:busy"));
        Assert.Equal([1L], await OffsetsAsync("chat:fresh"));
        Assert.Equal(5UL, await store.GetTopAsync("chat:old", default));
        Assert.Equal(0, await retention.RunOnceAsync(default));
    }

    [Fact]
    public async Task A_retention_pass_is_skipped_while_another_instance_holds_it()
    {
        var store = new PublicationStore(_dataSource);
        await store.StoreAsync([.. Enumerable.Range(1, 5).Select(i => Sequenced("chat:held", (ulong)i, time: DateTimeOffset.UtcNow.AddDays(-10)))], default);
        var retention = new RetentionService(_dataSource, new SchemaReadiness(),
            Microsoft.Extensions.Options.Options.Create(new HistoryOptions { RetentionAge = TimeSpan.FromDays(7), RetentionCount = 10 }),
            TimeProvider.System, NullLogger<RetentionService>.Instance);

        // Unpooled: closing it ends the session, and with it the lock.
        await using (var otherInstance = new NpgsqlConnection(_postgres.ConnectionString("historydb") + ";Pooling=false"))
        {
            await otherInstance.OpenAsync();
            await using var take = new NpgsqlCommand($"SELECT pg_advisory_lock({RetentionService.PassLockKey})", otherInstance);
            await take.ExecuteNonQueryAsync();

            Assert.Equal(0, await retention.RunOnceAsync(default));
            Assert.Equal(5, (await OffsetsAsync("chat:held")).Count);
        }

        // The other instance's session ended, and with it the lock.
        Assert.Equal(5, await retention.RunOnceAsync(default));
        Assert.Empty(await OffsetsAsync("chat:held"));
    }

    private async Task<List<long>> OffsetsAsync(string channel)
    {
        await using var command = _dataSource.CreateCommand("""SELECT "offset" FROM publications WHERE channel = $1 ORDER BY "offset" """);
        command.Parameters.AddWithValue(channel);
        var offsets = new List<long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            offsets.Add(reader.GetInt64(0));
        }

        return offsets;
    }

    private static SequencedPublication Sequenced(string channel, ulong offset, string data = """{"n":1}""", DateTimeOffset? time = null) => new(
        new PublicationEnvelope { Id = PublicationEnvelope.NewId(), Channel = channel, Data = RawJson.FromString(data), Time = (time ?? DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000)).ToUnixTimeMilliseconds() },
        offset, "ep");
}
