using StackExchange.Redis;

namespace Realtime.Messaging.RedisStreams;

/// <summary>The three ways a group member takes entries from a stream.</summary>
internal sealed class RedisStreamReader(IDatabase blocking, RedisKey key, string group, string consumer)
{
    /// <summary>New entries, waiting up to <paramref name="block"/> for some to arrive.</summary>
    public async Task<IReadOnlyList<StreamEntry>> ReadNewAsync(int count, TimeSpan block)
    {
        // StackExchange.Redis has no BLOCK option: the command is sent as is on a dedicated connection.
        var result = await blocking.ExecuteAsync("XREADGROUP",
            "GROUP", group, consumer, "COUNT", count, "BLOCK", (long)block.TotalMilliseconds, "STREAMS", key, ">");
        return ParseRead(result);
    }

    /// <summary>Entries delivered to this member earlier and never acknowledged.</summary>
    public async Task<IReadOnlyList<StreamEntry>> ReadPendingAsync(IDatabase db, int count) =>
        await db.StreamReadGroupAsync(key, group, consumer, StreamPosition.Beginning, count);

    /// <summary>Entries other members took and left unacknowledged for at least <paramref name="idle"/>.</summary>
    public async Task<IReadOnlyList<StreamEntry>> ClaimIdleAsync(IDatabase db, TimeSpan idle, int count)
    {
        var claimed = await db.StreamAutoClaimAsync(key, group, consumer, (long)idle.TotalMilliseconds, "0-0", count);
        return claimed.ClaimedEntries;
    }

    private static StreamEntry[] ParseRead(RedisResult result)
    {
        if (result.IsNull)
        {
            return [];
        }

        // RESP2: [[stream, entries]]; RESP3: a map {stream: entries}, seen flattened as [stream, entries].
        // Entries are [[id, [field, value, ...]], ...].
        var top = (RedisResult[])result!;
        if (top.Length == 0)
        {
            return [];
        }

        var pair = top[0].Resp2Type == ResultType.Array ? (RedisResult[])top[0]! : top;
        var rawEntries = (RedisResult[])pair[1]!;
        var entries = new StreamEntry[rawEntries.Length];
        for (var i = 0; i < rawEntries.Length; i++)
        {
            var entry = (RedisResult[])rawEntries[i]!;
            var flat = (RedisResult[])entry[1]!;
            var values = new NameValueEntry[flat.Length / 2];
            for (var f = 0; f < values.Length; f++)
            {
                values[f] = new NameValueEntry((RedisValue)flat[2 * f], (RedisValue)flat[2 * f + 1]);
            }

            entries[i] = new StreamEntry((RedisValue)entry[0], values);
        }

        return entries;
    }
}
