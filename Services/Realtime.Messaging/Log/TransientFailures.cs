using System.Data.Common;
using System.Net.Sockets;

namespace Realtime.Messaging.Log;

/// <summary>
/// Tells an outage (a dependency unreachable, a timeout) from a record that cannot be handled.
/// Outages are waited out however long they last; only records that fail for their own
/// reasons count towards the dead-letter limit. Transports and handlers report their client
/// libraries' outages as <see cref="LogUnavailableException"/>; what is left to recognise here
/// are the platform's own kinds.
/// </summary>
public static class TransientFailures
{
    public static bool IsTransient(Exception exception) => exception switch
    {
        // Full until the consumers catch up: retried like an outage, never dead-lettered.
        LogFullException or LogUnavailableException => true,
        LogRejectedException => false,
        TimeoutException or HttpRequestException or SocketException or IOException => true,
        DbException db => db.IsTransient || db.InnerException is SocketException or IOException or TimeoutException,
        OperationCanceledException => true,
        AggregateException aggregate => aggregate.InnerExceptions.All(IsTransient),
        _ when exception.InnerException is { } inner => IsTransient(inner),
        _ => false,
    };
}
