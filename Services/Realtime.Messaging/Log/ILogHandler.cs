namespace Realtime.Messaging.Log;

/// <summary>
/// Handles records consumed from one topic by one consumer group. Records arrive in batches,
/// in log order per key. A batch is acknowledged only after the handler returns; if it throws,
/// the records are delivered again (at-least-once), so handlers are idempotent.
/// </summary>
public interface ILogHandler
{
    string Topic { get; }

    string ConsumerGroup { get; }

    Task HandleAsync(IReadOnlyList<LogRecord> batch, CancellationToken cancellationToken);

    /// <summary>
    /// How long a consumer lets records gather before it takes the next batch (when the last
    /// one was not full). Zero, the default, for handlers on the delivery path; a storage writer
    /// trades a little lag for far fewer, larger writes.
    /// </summary>
    TimeSpan BatchLinger => TimeSpan.Zero;
}
