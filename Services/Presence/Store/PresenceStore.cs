using System.Text.Json;
using Microsoft.Extensions.Options;
using Realtime.Contracts;
using StackExchange.Redis;

namespace Realtime.Presence.Store;

/// <summary>
/// Who is present where, in Redis. Each entry carries its own expiry, so the clients of a
/// gateway that stopped refreshing vanish; both keys expire with the last entry, so a channel
/// that empties leaves nothing behind.
/// </summary>
public sealed class PresenceStore(IConnectionMultiplexer redis, IOptions<PresenceOptions> options, TimeProvider time)
{
    private const string ReadScript = """
        redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])
        local alive = redis.call('ZRANGE', KEYS[2], 0, -1)
        local entries = redis.call('HGETALL', KEYS[1])
        return {alive, entries}
        """;

    /// <summary>Applies one report; its commands are pipelined, not one round trip each.</summary>
    public async Task ApplyAsync(PresenceReport report)
    {
        var db = redis.GetDatabase();
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var ttl = options.Value.EntryTtl;
        var expiresAt = now + (long)ttl.TotalMilliseconds;
        var pending = new List<Task>(4 * (report.Joins.Count + report.Refreshes.Count) + 2 * report.Leaves.Count);

        foreach (var entry in report.Joins)
        {
            Upsert(db, entry, expiresAt, ttl, pending);
        }

        foreach (var entry in report.Refreshes)
        {
            Upsert(db, entry, expiresAt, ttl, pending);
        }

        foreach (var leave in report.Leaves)
        {
            pending.Add(db.HashDeleteAsync(PresenceKeys.Entries(leave.Channel), leave.Client));
            pending.Add(db.SortedSetRemoveAsync(PresenceKeys.Expiries(leave.Channel), leave.Client));
        }

        await Task.WhenAll(pending);
    }

    /// <summary>The live entries of a channel (expired ones are dropped on the way).</summary>
    public async Task<Dictionary<string, PresenceEntry>> GetAsync(string channel)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(ReadScript,
            [PresenceKeys.Entries(channel), PresenceKeys.Expiries(channel)], [now]))!;
        var alive = ((RedisValue[])result[0]!).Select(v => (string)v!).ToHashSet(StringComparer.Ordinal);
        var flat = (RedisValue[])result[1]!;
        var entries = new Dictionary<string, PresenceEntry>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < flat.Length; i += 2)
        {
            var client = (string)flat[i]!;
            if (alive.Contains(client))
            {
                entries[client] = JsonSerializer.Deserialize((byte[])flat[i + 1]!, PresenceJsonContext.Default.PresenceEntry)!;
            }
        }

        return entries;
    }

    private static void Upsert(IDatabase db, PresenceEntry entry, long expiresAt, TimeSpan ttl, List<Task> pending)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(entry, PresenceJsonContext.Default.PresenceEntry);
        pending.Add(db.HashSetAsync(PresenceKeys.Entries(entry.Channel), entry.Client, json));
        pending.Add(db.SortedSetAddAsync(PresenceKeys.Expiries(entry.Channel), entry.Client, expiresAt));
        pending.Add(db.KeyExpireAsync(PresenceKeys.Entries(entry.Channel), ttl));
        pending.Add(db.KeyExpireAsync(PresenceKeys.Expiries(entry.Channel), ttl));
    }
}
