using StackExchange.Redis;

namespace Realtime.Messaging.RedisStreams;

/// <summary>
/// Trims a partition's stream below what every consumer group has acknowledged: entries older
/// than each group's oldest pending entry (or, with nothing pending, its last delivered one) are
/// done with everywhere. A stream without groups is left whole: nobody has read it yet. One
/// round trip per stream, a missing stream included.
/// </summary>
internal static class AcknowledgedTrimming
{
    private const string TrimScript = """
        local function older(a, b)
          local ams, aseq = string.match(a, '^(%d+)-(%d+)$')
          local bms, bseq = string.match(b, '^(%d+)-(%d+)$')
          ams, bms = tonumber(ams), tonumber(bms)
          return ams < bms or (ams == bms and tonumber(aseq) < tonumber(bseq))
        end

        if redis.call('EXISTS', KEYS[1]) == 0 then
          return 0
        end

        local floor = nil
        for _, group in ipairs(redis.call('XINFO', 'GROUPS', KEYS[1])) do
          local info = {}
          for i = 1, #group, 2 do
            info[group[i]] = group[i + 1]
          end
          local keep = info['last-delivered-id']
          if tonumber(info['pending']) > 0 then
            keep = redis.call('XPENDING', KEYS[1], info['name'])[2]
          end
          if floor == nil or older(keep, floor) then
            floor = keep
          end
        end

        if floor == nil then
          return 0
        end
        return redis.call('XTRIM', KEYS[1], 'MINID', floor)
        """;

    /// <summary>Trims the stream; returns how many entries went.</summary>
    public static async Task<long> TrimAsync(IDatabase db, RedisKey stream) =>
        (long)await db.ScriptEvaluateAsync(TrimScript, [stream]);
}
