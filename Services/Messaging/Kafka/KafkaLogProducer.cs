using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Options;
using Realtime.Messaging.Log;
using Realtime.Messaging.Telemetry;

namespace Realtime.Messaging.Kafka;

/// <summary>
/// Appends records to Kafka keyed by channel (so one channel stays in one partition, in order),
/// idempotent with acks=all: a publish is acknowledged only once every in-sync replica has it.
/// </summary>
internal sealed class KafkaLogProducer : ILogProducer, IDisposable
{
    private readonly IProducer<string, byte[]> _producer;

    public KafkaLogProducer(IOptions<KafkaOptions> options)
    {
        var config = new ProducerConfig(new Dictionary<string, string>(options.Value.ProducerConfig))
        {
            BootstrapServers = options.Value.BootstrapServers,
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = 1,
        };
        _producer = new ProducerBuilder<string, byte[]>(config).Build();
    }

    public async Task AppendAsync(string topic, LogRecord record, CancellationToken cancellationToken)
    {
        using var activity = MessagingTelemetry.StartAppend(topic, "kafka");
        var started = Stopwatch.GetTimestamp();
        var headers = new Headers();
        foreach (var (name, value) in activity is null ? record.Headers : TraceContext.Capture(activity))
        {
            headers.Add(name, Encoding.UTF8.GetBytes(value));
        }

        await _producer.ProduceAsync(topic, new Message<string, byte[]>
        {
            Key = record.Key,
            Value = record.Payload.ToArray(),
            Headers = headers,
        }, cancellationToken);

        MessagingTelemetry.Appended.Add(1, new KeyValuePair<string, object?>("messaging.destination.name", topic));
        MessagingTelemetry.AppendDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds,
            new KeyValuePair<string, object?>("messaging.destination.name", topic));
    }

    public void Dispose()
    {
        _producer.Flush(TimeSpan.FromSeconds(5));
        _producer.Dispose();
    }
}
