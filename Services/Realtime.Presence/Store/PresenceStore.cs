using System.Text.Json;
using Microsoft.Extensions.Options;
using Realtime.Contracts;
using Realtime.Presence.Telemetry;
using StackExchange.Redis;

namespace Realtime.Presence.Store;

/// <summary>
/// Who is present where, in Redis. Every entry carries its own expiry: a gateway refreshes its
/// clients, so when one dies its clients vanish after <see cref="PresenceOptions.EntryTtl"/> —
/// found by reads or by the sweeper through the expiry index — and leave events go out for them.
/// A channel's keys disappear with its last client; nothing is left behind for empty channels.
/// </summary>
internal sealed class PresenceStore(IConnectionMultiplexer redis, IOptions<PresenceOptions> options, TimeProvider time, PresenceEvents events)
{
    /// <summary>Applies one report from a gateway; its commands are pipelined, not one round trip each.</summary>
    public async Task ApplyAsync(PresenceReport report)
    {
        var db = redis.GetDatabase();
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var expiresAt = now + (long)options.Value.EntryTtl.TotalMilliseconds;
        var pending = new List<Task>((report.Joins.Count + report.Refreshes.Count) * 5 + report.Leaves.Count * 2);
        foreach (var entry in report.Joins)
        {
            pending.Add(UpsertAsync(db, entry, expiresAt, join: true));
        }

        foreach (var entry in report.Refreshes)
        {
            pending.Add(UpsertAsync(db, entry, expiresAt, join: false));
        }

        foreach (var leave in report.Leaves)
        {
            pending.Add(RemoveAsync(db, leave.Channel, leave.Client, expiredBefore: null));
        }

        await Task.WhenAll(pending);
    }

    /// <summary>The live entries of a channel; expired ones are dropped (and announced) on the way.</summary>
    public async Task<Dictionary<string, PresenceEntry>> GetAsync(string channel)
    {
        var (entries, _, _) = await ReadAsync(channel, withEntries: true);
        return entries;
    }

    public async Task<PresenceStatsResponse> GetStatsAsync(string channel)
    {
        var (_, clients, users) = await ReadAsync(channel, withEntries: false);
        return new PresenceStatsResponse(clients, users);
    }

    /// <summary>Where a user is present right now, across all its devices (clients) and channels.</summary>
    public async Task<List<UserPresence>> GetUserAsync(string user)
    {
        var db = redis.GetDatabase();
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await db.SortedSetRemoveRangeByScoreAsync(PresenceKeys.OfUser(user), double.NegativeInfinity, now);
        var members = await db.SortedSetRangeByScoreAsync(PresenceKeys.OfUser(user), now, double.PositiveInfinity);
        var result = new List<UserPresence>(members.Length);
        foreach (var member in members)
        {
            var (channel, client) = PresenceKeys.ParseMember(member!);
            result.Add(new UserPresence(channel, client));
        }

        return result;
    }

    /// <summary>
    /// Drops entries whose gateway stopped refreshing them, from the expiry index, and announces
    /// their leaves. Several presence instances may sweep at once: each removal happens once.
    /// </summary>
    public async Task<int> SweepAsync(int limitPerBucket = 500)
    {
        var db = redis.GetDatabase();
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var swept = 0;
        for (var bucket = 0; bucket < PresenceKeys.Buckets; bucket++)
        {
            var due = await db.SortedSetRangeByScoreAsync(PresenceKeys.ExpiryIndex(bucket), double.NegativeInfinity, now, take: limitPerBucket);
            foreach (var member in due)
            {
                var (channel, client) = PresenceKeys.ParseMember(member!);
                if (await RemoveAsync(db, channel, client, expiredBefore: now))
                {
                    swept++;
                }

                // Forget the index entry unless a refresh moved it meanwhile.
                await db.ScriptEvaluateAsync(ForgetIfDueScript, [PresenceKeys.ExpiryIndex(bucket)], [member, now]);
            }
        }

        return swept;
    }

    /// <summary>Counts for the gauges: clients, users and channels present, summed over the buckets.</summary>
    public async Task<(long Clients, long Users, long Channels)> CountAllAsync()
    {
        var db = redis.GetDatabase();
        long clients = 0, users = 0, channels = 0;
        for (var bucket = 0; bucket < PresenceKeys.Buckets; bucket++)
        {
            clients += await db.SortedSetLengthAsync(PresenceKeys.ExpiryIndex(bucket));
            users += await db.SetLengthAsync(PresenceKeys.ActiveUsers(bucket));
            channels += await db.SetLengthAsync(PresenceKeys.ActiveChannels(bucket));
        }

        return (clients, users, channels);
    }

    private const string ForgetIfDueScript = """
        local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
        if score and tonumber(score) <= tonumber(ARGV[2]) then
          redis.call('ZREM', KEYS[1], ARGV[1])
        end
        return 1
        """;

    private async Task UpsertAsync(IDatabase db, PresenceEntry entry, long expiresAt, bool join)
    {
        var json = JsonSerializer.Serialize(entry, PresenceJsonContext.Default.PresenceEntry);
        var keyTtl = (long)(options.Value.EntryTtl.TotalMilliseconds * 2);
        var isNew = (long)await db.ScriptEvaluateAsync(PresenceScripts.Upsert,
            [PresenceKeys.Entries(entry.Channel), PresenceKeys.Expiries(entry.Channel), PresenceKeys.Users(entry.Channel)],
            [entry.Client, json, entry.User, expiresAt, keyTtl]);
        var member = PresenceKeys.Member(entry.Channel, entry.Client);
        await Task.WhenAll(
            db.SortedSetAddAsync(PresenceKeys.ExpiryIndex(PresenceKeys.BucketOf(entry.Channel)), member, expiresAt),
            db.SortedSetAddAsync(PresenceKeys.OfUser(entry.User), member, expiresAt),
            db.KeyExpireAsync(PresenceKeys.OfUser(entry.User), TimeSpan.FromMilliseconds(keyTtl)),
            db.SetAddAsync(PresenceKeys.ActiveChannels(PresenceKeys.BucketOf(entry.Channel)), entry.Channel),
            db.SetAddAsync(PresenceKeys.ActiveUsers(PresenceKeys.BucketOf(entry.User)), entry.User));
        if (isNew == 1 && join)
        {
            PresenceMetrics.Joined();
        }
    }

    /// <summary>Removes one client from a channel (only if expired, when <paramref name="expiredBefore"/> is set); true when it was there.</summary>
    private async Task<bool> RemoveAsync(IDatabase db, string channel, string client, long? expiredBefore)
    {
        var result = (RedisResult[])(await db.ScriptEvaluateAsync(PresenceScripts.Remove,
            [PresenceKeys.Entries(channel), PresenceKeys.Expiries(channel), PresenceKeys.Users(channel)],
            [client, expiredBefore ?? 0]))!;
        if (result[0].IsNull || result[0].Resp2Type != ResultType.BulkString)
        {
            return false;
        }

        var entry = JsonSerializer.Deserialize((string)result[0]!, PresenceJsonContext.Default.PresenceEntry)!;
        await ForgetAsync(db, entry, channelEmpty: (long)result[1] == 0);
        if (expiredBefore is not null)
        {
            PresenceMetrics.Expired();
            // The gateway did not say goodbye (it died): presence tells the channel instead.
            await events.PublishLeaveAsync(entry);
        }
        else
        {
            PresenceMetrics.Left();
        }

        return true;
    }

    private async Task<(Dictionary<string, PresenceEntry> Entries, int Clients, int Users)> ReadAsync(string channel, bool withEntries)
    {
        var db = redis.GetDatabase();
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var result = (RedisResult[])(await db.ScriptEvaluateAsync(PresenceScripts.Read,
            [PresenceKeys.Entries(channel), PresenceKeys.Expiries(channel), PresenceKeys.Users(channel)],
            [now, withEntries ? "1" : "0"]))!;
        var flat = (RedisValue[])result[0]!;
        var entries = new Dictionary<string, PresenceEntry>(flat.Length / 2, StringComparer.Ordinal);
        for (var i = 0; i + 1 < flat.Length; i += 2)
        {
            entries[(string)flat[i]!] = JsonSerializer.Deserialize((string)flat[i + 1]!, PresenceJsonContext.Default.PresenceEntry)!;
        }

        var clients = (int)(long)result[3];
        foreach (var expired in (RedisValue[])result[2]!)
        {
            var entry = JsonSerializer.Deserialize((string)expired!, PresenceJsonContext.Default.PresenceEntry)!;
            await ForgetAsync(db, entry, channelEmpty: clients == 0);
            PresenceMetrics.Expired();
            await events.PublishLeaveAsync(entry);
        }

        return (entries, clients, (int)(long)result[1]);
    }

    /// <summary>Removes a gone client from the user's presence, the index and the gauges.</summary>
    private static async Task ForgetAsync(IDatabase db, PresenceEntry entry, bool channelEmpty)
    {
        var member = PresenceKeys.Member(entry.Channel, entry.Client);
        await db.SortedSetRemoveAsync(PresenceKeys.OfUser(entry.User), member);
        await db.SortedSetRemoveAsync(PresenceKeys.ExpiryIndex(PresenceKeys.BucketOf(entry.Channel)), member);
        if (await db.SortedSetLengthAsync(PresenceKeys.OfUser(entry.User)) == 0)
        {
            await db.SetRemoveAsync(PresenceKeys.ActiveUsers(PresenceKeys.BucketOf(entry.User)), entry.User);
        }

        if (channelEmpty)
        {
            await db.SetRemoveAsync(PresenceKeys.ActiveChannels(PresenceKeys.BucketOf(entry.Channel)), entry.Channel);
        }
    }
}
