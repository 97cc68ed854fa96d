using Confluent.Kafka;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Realtime.Messaging.Kafka;

/// <summary>
/// The log is usable when a broker answers a metadata request (a plain Metadata request: no
/// admin API is needed, so it works against any broker, and against librdkafka's mock cluster).
/// </summary>
/// <remarks>
/// <c>AddCheck&lt;KafkaHealthCheck&gt;</c> creates a new instance for every run and never disposes
/// it, so the check must not keep a client between runs: a client held in a field leaked one
/// librdkafka instance (7 threads and a connection per broker, reconnecting forever) per probe.
/// Each run therefore creates a short-lived client and destroys it before returning. The client
/// uses the producer's settings (<see cref="KafkaOptions.ProducerConfig"/>) so that security
/// settings (TLS, SASL) apply to the check as they do to the producer whose health it reports.
/// </remarks>
internal sealed partial class KafkaHealthCheck(IOptions<KafkaOptions> options, ILogger<KafkaHealthCheck> logger) : IHealthCheck
{
    /// <summary>How long one metadata request may take; the check never takes much longer.</summary>
    internal static readonly TimeSpan MetadataTimeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            // GetMetadata blocks its thread for up to MetadataTimeout; the client is destroyed on
            // that thread even when the caller stops waiting.
            var brokers = await Task.Run(CountBrokers, CancellationToken.None).WaitAsync(cancellationToken);
            return brokers > 0
                ? HealthCheckResult.Healthy($"{brokers} Kafka brokers")
                : HealthCheckResult.Unhealthy("no Kafka broker answered");
        }
        catch (KafkaException e)
        {
            return HealthCheckResult.Unhealthy("Kafka unreachable", e);
        }
        catch (ArgumentException e)
        {
            // A setting librdkafka rejects (e.g. a mistyped property name).
            return HealthCheckResult.Unhealthy("Kafka client settings are invalid", e);
        }
    }

    private int CountBrokers()
    {
        var config = new AdminClientConfig(new Dictionary<string, string>(options.Value.ProducerConfig))
        {
            BootstrapServers = options.Value.BootstrapServers,
        };
        // Connection failures are the expected outcome of a failing check, not log-worthy errors
        // of their own: librdkafka's messages go to debug logging instead of stderr.
        using var admin = new AdminClientBuilder(config)
            .SetLogHandler((_, message) => LogClient(message.Facility, message.Message))
            .SetErrorHandler((_, error) => LogClient("ERROR", error.Reason))
            .Build();
        return admin.GetMetadata(MetadataTimeout).Brokers.Count;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Kafka health check client: {Facility} {Message}")]
    private partial void LogClient(string facility, string message);
}
