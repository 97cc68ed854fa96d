using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Realtime.Messaging.Log;

namespace Realtime.Messaging.Kafka;

/// <summary>
/// One consumer-group member for one topic. Offsets are committed only after the handler
/// succeeded for the whole batch; nothing at start-up depends on admin calls.
/// </summary>
internal sealed partial class KafkaLogConsumer(
    ILogHandler handler,
    ILogProducer deadLetters,
    IOptions<KafkaOptions> kafka,
    IOptions<MessagingOptions> options,
    ILogger<KafkaLogConsumer> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        // Consume() blocks its thread; keep it off the thread pool.
        Task.Factory.StartNew(() => RunAsync(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        var config = new ConsumerConfig(new Dictionary<string, string>(kafka.Value.ConsumerConfig))
        {
            BootstrapServers = kafka.Value.BootstrapServers,
            GroupId = handler.ConsumerGroup,
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            PartitionAssignmentStrategy = PartitionAssignmentStrategy.CooperativeSticky,
        };
        using var consumer = new ConsumerBuilder<string, byte[]>(config).Build();
        consumer.Subscribe(handler.Topic);
        LogStarted(handler.Topic, handler.ConsumerGroup);

        var processor = new LogRecordProcessor(handler, deadLetters, options.Value, logger);
        var batch = new List<LogRecord>(options.Value.BatchSize);
        var offsets = new Dictionary<TopicPartition, TopicPartitionOffset>();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                batch.Clear();
                offsets.Clear();
                var wait = options.Value.PollTimeout;
                while (batch.Count < options.Value.BatchSize)
                {
                    var result = consumer.Consume(wait);
                    if (result is null || result.IsPartitionEOF)
                    {
                        break;
                    }

                    batch.Add(ToRecord(result.Message));
                    offsets[result.TopicPartition] = new TopicPartitionOffset(result.TopicPartition, result.Offset + 1);
                    wait = TimeSpan.Zero;
                }

                if (batch.Count == 0)
                {
                    continue;
                }

                await processor.HandleAsync(batch, stoppingToken);
                consumer.Commit(offsets.Values);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            consumer.Close();
        }
    }

    private static LogRecord ToRecord(Message<string, byte[]> message)
    {
        Dictionary<string, string>? headers = null;
        if (message.Headers is { Count: > 0 })
        {
            headers = new Dictionary<string, string>(message.Headers.Count, StringComparer.Ordinal);
            foreach (var header in message.Headers)
            {
                headers[header.Key] = Encoding.UTF8.GetString(header.GetValueBytes());
            }
        }

        return new LogRecord(message.Key ?? "", message.Value, headers ?? LogRecord.NoHeaders);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Consuming Kafka topic {Topic} as group {Group}")]
    private partial void LogStarted(string topic, string group);
}
