using StackExchange.Redis;

namespace Realtime.Redis;

/// <summary>
/// Another component's part in a Redis script (see <see cref="RedisScriptWithPart"/>): checks the
/// script runs before it writes anything, and writes that follow its own, so both commit in one
/// atomic call. The host script knows nothing of what the part checks or writes; the part knows
/// nothing of the host's work beyond the output records the host hands it.
/// </summary>
public interface IRedisScriptPart
{
    /// <summary>
    /// Lua that defines two local functions, called by the host with the offsets of the part's
    /// keys and arguments (its keys are <c>KEYS[k + 1]</c> on, its arguments <c>ARGV[a + 1]</c> on):
    /// <c>part_check(k, a)</c>, run before the host writes, returns nil to go on or a reason to write
    /// nothing; <c>part_commit(k, a, outputs)</c>, run after the host's writes, receives the host's
    /// output records, each <c>{ slot, key, payload, headers }</c> (<c>headers</c> a flat list of
    /// names and values, <c>slot</c> from <see cref="OutputSlot"/>). The same text for every
    /// instance of a type: composed scripts are cached by it.
    /// </summary>
    string Lua { get; }

    /// <summary>
    /// Where an output record for <paramref name="destination"/> with <paramref name="key"/> goes:
    /// a slot number (from 1) the host passes back with the record. Called before <see cref="AddArguments"/>.
    /// </summary>
    int OutputSlot(string destination, string key);

    /// <summary>Appends the part's keys and arguments (read by its Lua from the offsets it is given).</summary>
    void AddArguments(List<RedisKey> keys, List<RedisValue> args);
}
