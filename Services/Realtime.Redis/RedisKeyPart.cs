namespace Realtime.Redis;

/// <summary>
/// Makes a caller-chosen string (a channel name, a user id, a publication's idempotency key) safe
/// to place inside a Redis key: the hash-tag braces and the escape character itself are
/// percent-encoded, so a key's first <c>}</c> always ends its hash tag and no two different inputs
/// can produce the same key (channel <c>a}:pub:{x</c> cannot reach channel <c>a</c>'s keys, and a
/// channel starting with <c>}</c> still has a non-empty hash tag on Redis Cluster). Names without
/// <c>{</c>, <c>}</c> or <c>%</c> — nearly all — are unchanged, and keep their keys across upgrades.
/// </summary>
public static class RedisKeyPart
{
    public static string Escape(string part)
    {
        if (part.AsSpan().IndexOfAny('%', '{', '}') < 0)
        {
            return part;
        }

        return string.Create(part.Length + 2 * Count(part), part, static (destination, source) =>
        {
            var at = 0;
            foreach (var c in source)
            {
                var escaped = c switch { '%' => "%25", '{' => "%7B", '}' => "%7D", _ => null };
                if (escaped is null)
                {
                    destination[at++] = c;
                }
                else
                {
                    escaped.CopyTo(destination[at..]);
                    at += 3;
                }
            }
        });
    }

    /// <summary>The original of an escaped part (for names read back from Redis, such as pub/sub channels).</summary>
    public static string Unescape(string part) =>
        part.Contains('%', StringComparison.Ordinal)
            ? part.Replace("%7B", "{", StringComparison.Ordinal).Replace("%7D", "}", StringComparison.Ordinal).Replace("%25", "%", StringComparison.Ordinal)
            : part;

    private static int Count(string part)
    {
        var count = 0;
        foreach (var c in part)
        {
            if (c is '%' or '{' or '}')
            {
                count++;
            }
        }

        return count;
    }
}
