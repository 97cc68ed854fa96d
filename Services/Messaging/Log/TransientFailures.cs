using System.Data.Common;
using System.Net.Sockets;
using StackExchange.Redis;

namespace Realtime.Messaging.Log;

/// <summary>
/// Tells an outage (a dependency unreachable, a timeout) from a record that cannot be handled.
/// Outages are waited out however long they last; only records that fail for their own
/// reasons count towards the dead-letter limit.
/// </summary>
public static class TransientFailures
{
    public static bool IsTransient(Exception exception) => exception switch
    {
        // Full until the consumers catch up: retried like an outage, never dead-lettered.
        LogFullException => true,
        // An error reply (WRONGTYPE, a Lua error, ERR ...) fails the same way every time: the
        // record goes to the dead-letter topic after its attempts instead of stopping the partition.
        RedisServerException server => !IsAboutTheCommand(server.Kind),
        RedisCommandException => false,
        RedisException or TimeoutException or HttpRequestException or SocketException or IOException => true,
        Confluent.Kafka.KafkaException kafka => !kafka.Error.IsFatal,
        DbException db => db.IsTransient || db.InnerException is SocketException or IOException or TimeoutException,
        OperationCanceledException => true,
        AggregateException aggregate => aggregate.InnerExceptions.All(IsTransient),
        _ when exception.InnerException is { } inner => IsTransient(inner),
        _ => false,
    };

    /// <summary>
    /// Error replies about the command itself or the data it met (a key of another type, a failing
    /// script, a transaction aborted by them) fail the same way on every attempt. The others —
    /// loading, busy, read-only, failing over, resharding, out of memory, unable to persist,
    /// refused credentials — are about Redis right now, and are waited out like an outage.
    /// </summary>
    private static bool IsAboutTheCommand(RedisErrorKind kind) =>
        kind is RedisErrorKind.WrongType or RedisErrorKind.UnknownError or RedisErrorKind.Unknown
            or RedisErrorKind.ExecAbort or RedisErrorKind.CrossSlot or RedisErrorKind.UnknownCommand;
}
