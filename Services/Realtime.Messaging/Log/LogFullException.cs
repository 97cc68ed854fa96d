namespace Realtime.Messaging.Log;

/// <summary>
/// A log partition holds as many records as it may while its consumers catch up: the append is
/// refused (a temporary error for the publisher) rather than anything unconsumed trimmed away.
/// </summary>
public sealed class LogFullException(string topic, int partition, long limit)
    : Exception($"partition {partition} of {topic} holds {limit} entries not yet consumed; appends are refused until its consumers catch up")
{
    public string Topic => topic;

    public int Partition => partition;
}
