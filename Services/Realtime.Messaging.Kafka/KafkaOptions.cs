namespace Realtime.Messaging.Kafka;

/// <summary>
/// Kafka client settings, under the same configuration keys the Aspire.Confluent.Kafka
/// integration reads (<c>Aspire:Confluent:Kafka:Producer</c> / <c>:Consumer</c>, and the
/// <c>kafka</c> connection string for the bootstrap servers).
/// </summary>
public sealed class KafkaOptions
{
    public const string ConnectionName = "kafka";
    public const string ProducerSection = "Aspire:Confluent:Kafka:Producer";
    public const string ConsumerSection = "Aspire:Confluent:Kafka:Consumer";

    public string BootstrapServers { get; set; } = "";

    /// <summary>Extra librdkafka settings for the producer (<c>…:Producer:Config</c>).</summary>
    public Dictionary<string, string> ProducerConfig { get; set; } = [];

    /// <summary>Extra librdkafka settings for consumers (<c>…:Consumer:Config</c>).</summary>
    public Dictionary<string, string> ConsumerConfig { get; set; } = [];
}
