using StackExchange.Redis;

namespace Realtime.Redis;

/// <summary>
/// A host script that another component can take part in (see <see cref="IRedisScriptPart"/>).
/// The host's Lua calls <c>part_check(k, a)</c> and <c>part_commit(k, a, outputs)</c>; its own
/// keys start at <c>KEYS[tonumber(ARGV[1]) + 1]</c> and its arguments at
/// <c>ARGV[tonumber(ARGV[2]) + 3]</c>, after the part's, which start at offsets 0 and 2. Without a
/// part both functions do nothing and the offsets are 0 and 2.
/// </summary>
public sealed class RedisScriptWithPart(string host)
{
    private const string NoPart = """
        local function part_check(k, a) return nil end
        local function part_commit(k, a, outputs) end

        """;

    private readonly string _alone = NoPart + host;
    private Composed? _withPart;

    /// <summary>The script to run with <paramref name="part"/> (or alone).</summary>
    public string For(IRedisScriptPart? part)
    {
        if (part is null)
        {
            return _alone;
        }

        // One part type in practice: keep the last composition (swapped whole, so callers on other
        // threads see a consistent pair) rather than a cache keyed by the text.
        if (_withPart is { } known && ReferenceEquals(known.Lua, part.Lua))
        {
            return known.Script;
        }

        var composed = new Composed(part.Lua, part.Lua + "\n" + host);
        _withPart = composed;
        return composed.Script;
    }

    /// <summary>The call's keys and arguments: the part's first (with their counts), then the host's.</summary>
    public static (RedisKey[] Keys, RedisValue[] Args) Arguments(IRedisScriptPart? part, List<RedisKey> hostKeys, List<RedisValue> hostArgs)
    {
        var keys = new List<RedisKey>(hostKeys.Count + 8);
        var args = new List<RedisValue>(hostArgs.Count + 16) { 0, 0 };
        part?.AddArguments(keys, args);
        args[0] = keys.Count;
        args[1] = args.Count - 2;
        keys.AddRange(hostKeys);
        args.AddRange(hostArgs);
        return ([.. keys], [.. args]);
    }

    private sealed record Composed(string Lua, string Script);
}
