using System.Collections.Concurrent;
using Realtime.Messaging.Log;

namespace Realtime.Messaging.Dapr.Tests;

/// <summary>Records what it is given; fails as told (by attempt number, from 1).</summary>
public abstract class RecordingHandler : ILogHandler
{
    private readonly TaskCompletionSource<LogRecord> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _retried = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _attempts;

    public abstract string Topic { get; }

    public abstract string ConsumerGroup { get; }

    public Func<int, Exception?> Failure { get; set; } = static _ => null;

    public ConcurrentQueue<LogRecord> Handled { get; } = new();

    public int Attempts => Volatile.Read(ref _attempts);

    public Task<LogRecord> FirstHandled => _first.Task;

    /// <summary>Completes when a second attempt starts: the first one failed and was retried.</summary>
    public Task Retried => _retried.Task;

    public Task HandleAsync(IReadOnlyList<LogRecord> batch, CancellationToken cancellationToken)
    {
        var attempt = Interlocked.Increment(ref _attempts);
        if (attempt == 2)
        {
            _retried.TrySetResult();
        }

        if (Failure(attempt) is { } failure)
        {
            throw failure;
        }

        foreach (var record in batch)
        {
            Handled.Enqueue(record);
            _first.TrySetResult(record);
        }

        return Task.CompletedTask;
    }
}

/// <summary>Stands in for fanout's handler of the publication log.</summary>
public sealed class PublicationsHandler : RecordingHandler
{
    public override string Topic => LogTopics.Publications;

    public override string ConsumerGroup => LogTopics.FanoutGroup;
}

/// <summary>Stands in for history's handler of the sequenced log.</summary>
public sealed class SequencedHandler : RecordingHandler
{
    public override string Topic => LogTopics.Sequenced;

    public override string ConsumerGroup => LogTopics.HistoryGroup;
}

/// <summary>A second handler of the publication log, which one Dapr app cannot have.</summary>
public sealed class OtherPublicationsHandler : RecordingHandler
{
    public override string Topic => LogTopics.Publications;

    public override string ConsumerGroup => "other";
}
