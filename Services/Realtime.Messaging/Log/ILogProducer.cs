namespace Realtime.Messaging.Log;

/// <summary>
/// Appends records to a topic of the publication log. The returned task completes only once
/// the transport has durably accepted the record: that is when a client's publish is
/// acknowledged.
/// </summary>
public interface ILogProducer
{
    Task AppendAsync(string topic, LogRecord record, CancellationToken cancellationToken);

    /// <summary>
    /// Appends several records (same-key records keep their order) and completes once the
    /// transport has all of them. Transports that can write them together do.
    /// </summary>
    Task AppendAllAsync(string topic, IReadOnlyList<LogRecord> records, CancellationToken cancellationToken)
    {
        var appends = new Task[records.Count];
        for (var i = 0; i < records.Count; i++)
        {
            appends[i] = AppendAsync(topic, records[i], cancellationToken);
        }

        return Task.WhenAll(appends);
    }
}
