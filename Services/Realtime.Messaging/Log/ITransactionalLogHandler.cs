namespace Realtime.Messaging.Log;

/// <summary>
/// A log handler that can complete a batch inside one atomic step of its own store: its work, the
/// records it appends for the next stage and the batch's acknowledgement, together. It pays off
/// when the transport keeps the log in the same store as the handler's data (then a batch costs
/// one round trip instead of one per step), so a transport that can take part offers each batch
/// here first, with a <see cref="LogBatchCompletion"/> describing its share. When the handler
/// declines (it cannot run that kind of completion, or a precondition failed) or fails, the batch
/// takes the ordinary path (<see cref="ILogHandler.HandleAsync"/> with its retries and dead
/// letters, then the transport's own acknowledgement), so the handler must leave nothing half
/// done that the ordinary path cannot finish.
/// </summary>
public interface ITransactionalLogHandler : ILogHandler
{
    /// <summary>
    /// True when the batch was handled and the completion carried out with it; false when nothing
    /// was done.
    /// </summary>
    Task<bool> TryHandleAndCompleteAsync(IReadOnlyList<LogRecord> batch, LogBatchCompletion completion, CancellationToken cancellationToken);
}
