using StackExchange.Redis;

namespace Realtime.Redis;

/// <summary>Tells a Redis outage from an error that is about the command or the data it met.</summary>
public static class RedisFailures
{
    /// <summary>
    /// Unreachable, timing out, or an error reply about Redis right now — loading, busy,
    /// read-only, failing over, resharding, out of memory, unable to persist, refused
    /// credentials — all of which pass. An error reply about the command itself (a key of another
    /// type, a failing script, a transaction aborted by them) fails the same way every time.
    /// </summary>
    public static bool IsOutage(Exception exception) => exception switch
    {
        RedisServerException server => !IsAboutTheCommand(server.Kind),
        RedisCommandException => false,
        RedisException or TimeoutException => true,
        _ => false,
    };

    private static bool IsAboutTheCommand(RedisErrorKind kind) =>
        kind is RedisErrorKind.WrongType or RedisErrorKind.UnknownError or RedisErrorKind.Unknown
            or RedisErrorKind.ExecAbort or RedisErrorKind.CrossSlot or RedisErrorKind.UnknownCommand;
}
