using StackExchange.Redis;

namespace Realtime.Messaging.RedisStreams;

/// <summary>The ways a group member takes entries from its partitions' streams.</summary>
internal sealed class RedisStreamReader(IDatabase blocking, string group, string consumer)
{
    /// <summary>New entries of the given partitions, waiting up to <paramref name="block"/> for some to arrive.</summary>
    public async Task<List<(RedisKey Stream, StreamEntry[] Entries)>> ReadNewAsync(IReadOnlyList<RedisKey> streams, int count, TimeSpan block)
    {
        // StackExchange.Redis has no BLOCK option: the command is sent as is on a dedicated connection.
        var args = new List<object>(8 + 2 * streams.Count) { "GROUP", group, consumer, "COUNT", count, "BLOCK", (long)block.TotalMilliseconds, "STREAMS" };
        foreach (var stream in streams)
        {
            args.Add(stream);
        }

        foreach (var _ in streams)
        {
            args.Add(">");
        }

        return Parse(await blocking.ExecuteAsync("XREADGROUP", args));
    }

    /// <summary>
    /// Takes over every unacknowledged entry of a partition this member holds (left by a previous
    /// holder that died or gave it up, by a member fenced off after losing its lease, or by this
    /// member's own failed batch), oldest first, so they are handled before new ones.
    /// </summary>
    public static async Task<StreamEntry[]> ClaimAllPendingAsync(IDatabase db, RedisKey stream, string group, string consumer, int count)
    {
        var claimed = await db.StreamAutoClaimAsync(stream, group, consumer, minIdleTimeInMs: 0, startAtId: "0-0", count);
        return claimed.ClaimedEntries;
    }

    private static List<(RedisKey, StreamEntry[])> Parse(RedisResult result)
    {
        var streams = new List<(RedisKey, StreamEntry[])>();
        if (result.IsNull)
        {
            return streams;
        }

        // RESP2: [[stream, entries], ...]; RESP3: a map {stream: entries}, seen flattened as [stream, entries, ...].
        var top = (RedisResult[])result!;
        if (top.Length > 0 && top[0].Resp2Type == ResultType.Array)
        {
            foreach (var pair in top)
            {
                var items = (RedisResult[])pair!;
                streams.Add(((RedisKey)(string)items[0]!, Entries((RedisResult[])items[1]!)));
            }
        }
        else
        {
            for (var i = 0; i + 1 < top.Length; i += 2)
            {
                streams.Add(((RedisKey)(string)top[i]!, Entries((RedisResult[])top[i + 1]!)));
            }
        }

        return streams;
    }

    /// <summary>Entries are [[id, [field, value, ...]], ...].</summary>
    private static StreamEntry[] Entries(RedisResult[] raw)
    {
        var entries = new StreamEntry[raw.Length];
        for (var i = 0; i < raw.Length; i++)
        {
            var entry = (RedisResult[])raw[i]!;
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
