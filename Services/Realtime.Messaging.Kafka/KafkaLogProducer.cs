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
/// Nothing here needs the admin API: a topic that does not exist yet is created by the broker's
/// automatic topic creation where that is enabled (production clusters should pre-create topics
/// with the partition count they need).
/// </summary>
internal sealed class KafkaLogProducer : ILogProducer, IDisposable
{
    private static readonly string[] TraceHeaders = ["traceparent", "tracestate"];

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
        foreach (var (name, value) in HeadersOf(record, activity))
        {
            headers.Add(name, Encoding.UTF8.GetBytes(value));
        }

        try
        {
            await _producer.ProduceAsync(topic, new Message<string, byte[]>
            {
                Key = record.Key,
                Value = record.Payload.ToArray(),
                Headers = headers,
            }, cancellationToken);
        }
        catch (KafkaException e) when (!e.Error.IsFatal)
        {
            // Brokers unreachable, a leader moving, a request timing out: librdkafka says it may pass.
            throw new LogUnavailableException($"Kafka did not take the append to {topic}: {e.Error.Reason}", e);
        }
        catch (KafkaException e)
        {
            throw new LogRejectedException($"Kafka refused the append to {topic}: {e.Error.Reason}", e);
        }

        MessagingTelemetry.Appended.Add(1, new KeyValuePair<string, object?>("messaging.destination.name", topic));
        MessagingTelemetry.AppendDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds,
            new KeyValuePair<string, object?>("messaging.destination.name", topic));
    }

    /// <summary>
    /// Every header of the record travels. The send span's trace context replaces the record's
    /// own only when it continues the same trace (or the record has none): then consumers link to
    /// the send span. It never moves a record into another trace.
    /// </summary>
    /// <remarks>
    /// This used to send only the span's context whenever a listener was sampling, dropping the
    /// record's other headers — among them the dead-letter reason, attempts and group that
    /// <see cref="LogRecordProcessor"/> adds — and rewriting dead-lettered records into the
    /// consumer's trace.
    /// </remarks>
    internal static IReadOnlyDictionary<string, string> HeadersOf(LogRecord record, Activity? activity)
    {
        if (activity is null)
        {
            return record.Headers;
        }

        var own = TraceContext.Extract(record.Headers);
        if (own != default && own.TraceId != activity.TraceId)
        {
            return record.Headers;
        }

        var headers = new Dictionary<string, string>(record.Headers, StringComparer.Ordinal);
        foreach (var name in TraceHeaders)
        {
            headers.Remove(name);
        }

        foreach (var (name, value) in TraceContext.Capture(activity))
        {
            headers[name] = value;
        }

        return headers;
    }

    public void Dispose()
    {
        _producer.Flush(TimeSpan.FromSeconds(5));
        _producer.Dispose();
    }
}
