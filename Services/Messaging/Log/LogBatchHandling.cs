using Microsoft.Extensions.Logging;
using Realtime.Messaging.Telemetry;

namespace Realtime.Messaging.Log;

/// <summary>
/// Runs a handler on a batch until it succeeds: a failed batch is never acknowledged, it is
/// handled again after a pause. Shared by the transports that pull records.
/// </summary>
internal static partial class LogBatchHandling
{
    public static async Task HandleAsync(ILogHandler handler, IReadOnlyList<LogRecord> batch, TimeSpan retryDelay, ILogger logger, CancellationToken stoppingToken)
    {
        var tags = new KeyValuePair<string, object?>[]
        {
            new("messaging.destination.name", handler.Topic),
            new("messaging.consumer.group.name", handler.ConsumerGroup),
        };
        for (var attempt = 1; ; attempt++)
        {
            stoppingToken.ThrowIfCancellationRequested();
            try
            {
                await handler.HandleAsync(batch, stoppingToken);
                MessagingTelemetry.Consumed.Add(batch.Count, tags);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                MessagingTelemetry.HandlerFailures.Add(1, tags);
                LogHandlerFailed(logger, e, handler.Topic, handler.ConsumerGroup, batch.Count, attempt);
                await Task.Delay(retryDelay, stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Handling {Count} records of {Topic} in group {Group} failed (attempt {Attempt}); they will be handled again")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string topic, string group, int count, int attempt);
}
