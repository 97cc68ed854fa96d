using Microsoft.Extensions.Logging;
using Realtime.Messaging.Telemetry;

namespace Realtime.Messaging.Log;

/// <summary>
/// Runs a handler on consumed records for the transports that pull them, and decides what a
/// failure means. An outage is retried for as long as it lasts. A batch that fails otherwise is
/// taken apart and its records handled one by one, in order; a record that still fails after
/// <see cref="MessagingOptions.MaxDeliveryAttempts"/> goes to the topic's dead-letter topic with
/// the reason, and only then is it acknowledged. Nothing is ever dropped silently.
/// </summary>
public sealed partial class LogRecordProcessor(ILogHandler handler, ILogProducer deadLetters, MessagingOptions options, ILogger logger)
{
    public const string DeadLetterReasonHeader = "x-dead-letter-reason";
    public const string DeadLetterAttemptsHeader = "x-dead-letter-attempts";
    public const string DeadLetterGroupHeader = "x-dead-letter-group";

    private readonly KeyValuePair<string, object?>[] _tags =
    [
        new("messaging.destination.name", handler.Topic),
        new("messaging.consumer.group.name", handler.ConsumerGroup),
    ];

    /// <summary>Returns once every record of the batch was handled or dead-lettered.</summary>
    public async Task HandleAsync(IReadOnlyList<LogRecord> batch, CancellationToken stoppingToken)
    {
        if (await TryUntilNotTransientAsync(batch, stoppingToken) is null)
        {
            MessagingTelemetry.Consumed.Add(batch.Count, _tags);
            return;
        }

        // Something in the batch is wrong: find it by handling the records one at a time.
        foreach (var record in batch)
        {
            await HandleOneAsync(record, stoppingToken);
        }
    }

    /// <summary>Counts records a handler completed outside this processor (see <see cref="ITransactionalLogHandler"/>).</summary>
    public void RecordConsumed(int count) => MessagingTelemetry.Consumed.Add(count, _tags);

    private async Task HandleOneAsync(LogRecord record, CancellationToken stoppingToken)
    {
        Exception? failure = null;
        for (var attempt = 1; attempt <= options.MaxDeliveryAttempts; attempt++)
        {
            failure = await TryUntilNotTransientAsync([record], stoppingToken);
            if (failure is null)
            {
                MessagingTelemetry.Consumed.Add(1, _tags);
                return;
            }

            await Task.Delay(options.RetryDelay, stoppingToken);
        }

        await DeadLetterAsync(record, failure!, stoppingToken);
    }

    /// <summary>Handles the records, waiting out outages; returns the failure that is not an outage, if any.</summary>
    private async Task<Exception?> TryUntilNotTransientAsync(IReadOnlyList<LogRecord> records, CancellationToken stoppingToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            stoppingToken.ThrowIfCancellationRequested();
            try
            {
                await handler.HandleAsync(records, stoppingToken);
                return null;
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                MessagingTelemetry.HandlerFailures.Add(1, _tags);
                if (!TransientFailures.IsTransient(e))
                {
                    LogRecordsFailed(e, handler.Topic, handler.ConsumerGroup, records.Count);
                    return e;
                }

                LogOutage(e, handler.Topic, handler.ConsumerGroup, attempt);
                await Task.Delay(options.RetryDelay * Math.Min(attempt, 25), stoppingToken);
            }
        }
    }

    private async Task DeadLetterAsync(LogRecord record, Exception failure, CancellationToken stoppingToken)
    {
        var headers = new Dictionary<string, string>(record.Headers, StringComparer.Ordinal)
        {
            [DeadLetterReasonHeader] = $"{failure.GetType().Name}: {failure.Message}",
            [DeadLetterAttemptsHeader] = options.MaxDeliveryAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [DeadLetterGroupHeader] = handler.ConsumerGroup,
        };
        var topic = LogTopics.DeadLetter(handler.Topic);
        // The dead-letter append itself is retried through outages: the record must land somewhere.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await deadLetters.AppendAsync(topic, record with { Headers = headers }, stoppingToken);
                break;
            }
            catch (Exception e) when (TransientFailures.IsTransient(e) && !stoppingToken.IsCancellationRequested)
            {
                LogOutage(e, topic, handler.ConsumerGroup, attempt);
                await Task.Delay(options.RetryDelay * Math.Min(attempt, 25), stoppingToken);
            }
        }

        MessagingTelemetry.DeadLettered.Add(1, _tags);
        LogDeadLettered(handler.Topic, handler.ConsumerGroup, record.Key, topic);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Handling {Count} records of {Topic} in group {Group} failed; retrying them one by one")]
    private partial void LogRecordsFailed(Exception exception, string topic, string group, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outage while handling {Topic} in group {Group} (attempt {Attempt}); waiting it out")]
    private partial void LogOutage(Exception exception, string topic, string group, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "A record of {Topic} (key {Key}) kept failing in group {Group}; moved to {DeadLetterTopic}")]
    private partial void LogDeadLettered(string topic, string group, string key, string deadLetterTopic);
}
