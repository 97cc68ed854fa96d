using Realtime.Messaging.Log;

namespace Realtime.Messaging.RedisStreams;

/// <summary>
/// A log handler that, on the Redis Streams log, can do its work, check that the reader still
/// holds the batch's partitions and acknowledge the batch in one atomic Redis call, where the
/// consumer would otherwise spend a round trip on each. The consumer offers it every batch first
/// (on standalone Redis); when the handler declines, or fails, the batch takes the ordinary path
/// (fence, <see cref="ILogHandler.HandleAsync"/> with its retries and dead letters, acknowledge),
/// so the handler must leave nothing half done that the ordinary path cannot finish.
/// </summary>
public interface IRedisStreamsBatchHandler : ILogHandler
{
    /// <summary>
    /// True when the batch was handled and acknowledged; false when nothing was done (a
    /// precondition failed: a lease lost, another reader's entries pending, work the atomic call
    /// cannot do).
    /// </summary>
    Task<bool> TryHandleAndAcknowledgeAsync(IReadOnlyList<LogRecord> batch, RedisStreamsBatch read, CancellationToken cancellationToken);
}
