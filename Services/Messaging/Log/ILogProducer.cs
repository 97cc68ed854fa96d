namespace Realtime.Messaging.Log;

/// <summary>
/// Appends records to a topic of the publication log. The returned task completes only once
/// the transport has durably accepted the record: that is when a client's publish is
/// acknowledged.
/// </summary>
public interface ILogProducer
{
    Task AppendAsync(string topic, LogRecord record, CancellationToken cancellationToken);
}
