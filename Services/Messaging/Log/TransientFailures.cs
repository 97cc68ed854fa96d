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
        RedisException or TimeoutException or HttpRequestException or SocketException or IOException => true,
        Confluent.Kafka.KafkaException kafka => !kafka.Error.IsFatal,
        DbException db => db.IsTransient || db.InnerException is SocketException or IOException or TimeoutException,
        OperationCanceledException => true,
        AggregateException aggregate => aggregate.InnerExceptions.All(IsTransient),
        _ when exception.InnerException is { } inner => IsTransient(inner),
        _ => false,
    };
}
