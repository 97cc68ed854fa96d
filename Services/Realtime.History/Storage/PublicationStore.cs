using System.Text;
using Npgsql;
using NpgsqlTypes;
using Realtime.Messaging.Publications;

namespace Realtime.History.Storage;

/// <summary>Writes and reads publications in PostgreSQL.</summary>
internal sealed class PublicationStore(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Stores a batch in one multi-row statement. Rows already stored (a replay) are skipped.
    /// Returns how many rows were new.
    /// </summary>
    public async Task<int> StoreAsync(IReadOnlyList<SequencedPublication> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return 0;
        }

        var channels = new string[batch.Count];
        var offsets = new long[batch.Count];
        var epochs = new string[batch.Count];
        var ids = new string[batch.Count];
        var times = new DateTime[batch.Count];
        var documents = new string[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var sequenced = batch[i];
            channels[i] = sequenced.Publication.Channel;
            offsets[i] = checked((long)sequenced.Offset);
            epochs[i] = sequenced.Epoch;
            ids[i] = sequenced.Publication.Id;
            times[i] = DateTimeOffset.FromUnixTimeMilliseconds(sequenced.Publication.Time).UtcDateTime;
            documents[i] = Encoding.UTF8.GetString(PublicationCodec.Encode(sequenced));
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var insert = new NpgsqlCommand("""
            INSERT INTO publications (channel, "offset", epoch, publication_id, published_at, publication)
            SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::timestamptz[], $6::json[])
            ON CONFLICT (channel, "offset") DO NOTHING
            """, connection, transaction);
        insert.Parameters.Add(new NpgsqlParameter { Value = channels, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        insert.Parameters.Add(new NpgsqlParameter { Value = offsets, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        insert.Parameters.Add(new NpgsqlParameter { Value = epochs, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        insert.Parameters.Add(new NpgsqlParameter { Value = ids, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        insert.Parameters.Add(new NpgsqlParameter { Value = times, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        insert.Parameters.Add(new NpgsqlParameter { Value = documents, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Json });
        var stored = await insert.ExecuteNonQueryAsync(cancellationToken);

        // The durable top moves with the same transaction as the rows it covers.
        await using var tops = new NpgsqlCommand("""
            INSERT INTO channel_tops (channel, top_offset)
            SELECT channel, max("offset") FROM unnest($1::text[], $2::bigint[]) AS batch(channel, "offset") GROUP BY channel
            ON CONFLICT (channel) DO UPDATE SET top_offset = GREATEST(channel_tops.top_offset, EXCLUDED.top_offset), updated_at = now()
            """, connection, transaction);
        tops.Parameters.Add(new NpgsqlParameter { Value = channels, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        tops.Parameters.Add(new NpgsqlParameter { Value = offsets, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        await tops.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return stored;
    }

    /// <summary>The highest offset the channel ever stored; 0 when it never stored any.</summary>
    public async Task<ulong> GetTopAsync(string channel, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT top_offset FROM channel_tops WHERE channel = $1");
        command.Parameters.AddWithValue(channel);
        return await command.ExecuteScalarAsync(cancellationToken) is long top ? (ulong)top : 0;
    }

    /// <summary>Stored publications of one epoch with offsets in [from, to], oldest first (or newest first), at most <paramref name="count"/>.</summary>
    public async Task<List<SequencedPublication>> ReadAsync(string channel, string epoch, ulong from, ulong to, int count, bool reverse, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(reverse
            ? """SELECT publication::text FROM publications WHERE channel = $1 AND epoch = $2 AND "offset" BETWEEN $3 AND $4 ORDER BY "offset" DESC LIMIT $5"""
            : """SELECT publication::text FROM publications WHERE channel = $1 AND epoch = $2 AND "offset" BETWEEN $3 AND $4 ORDER BY "offset" LIMIT $5""");
        command.Parameters.AddWithValue(channel);
        command.Parameters.AddWithValue(epoch);
        command.Parameters.AddWithValue((long)Math.Min(from, long.MaxValue));
        command.Parameters.AddWithValue((long)Math.Min(to, long.MaxValue));
        command.Parameters.AddWithValue(count);
        var publications = new List<SequencedPublication>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            publications.Add(PublicationCodec.DecodeSequenced(Encoding.UTF8.GetBytes(reader.GetString(0))));
        }

        return publications;
    }

    /// <summary>Forgets a channel's stored publications (the server API's history_remove).</summary>
    public async Task RemoveAsync(string channel, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM publications WHERE channel = $1");
        command.Parameters.AddWithValue(channel);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
