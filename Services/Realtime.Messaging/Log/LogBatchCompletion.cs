namespace Realtime.Messaging.Log;

/// <summary>
/// A transport's share of completing a batch inside a handler's atomic step (see
/// <see cref="ITransactionalLogHandler"/>): checking that the reader still owns the batch,
/// appending the handler's output records and acknowledging the batch. The port leaves its form
/// open: the transport gives it in a form a store runs (a part of a Redis script, for the log on
/// Redis Streams), and a handler takes it only when its store runs that form.
/// </summary>
public abstract class LogBatchCompletion
{
    /// <summary>The topic the batch was read from.</summary>
    public abstract string Topic { get; }

    /// <summary>The consumer group that read it.</summary>
    public abstract string ConsumerGroup { get; }
}
