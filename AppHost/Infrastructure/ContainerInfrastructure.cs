using System.Net.Sockets;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Realtime.AppHost.Infrastructure;

/// <summary>
/// Redis, PostgreSQL and Kafka as containers. Kafka is a plain container resource (single-node
/// KRaft) because Aspire.Hosting.Kafka is not available to this project; the services use the
/// Kafka log in this mode.
/// </summary>
internal static class ContainerInfrastructure
{
    /// <summary>Kafka is reached without the Aspire proxy so the advertised listener is the host port itself.</summary>
    public const int KafkaPort = 9092;

    /// <summary>Where the broker keeps its partitions: a volume, so the log survives the container.</summary>
    public const string KafkaDataDirectory = "/var/lib/kafka/data";

    public static BackingServices Add(IDistributedApplicationBuilder builder, string historyDatabase)
    {
        // Every store keeps its data in a volume: the log, the channels' positions and history,
        // and history's durable maximum (channel_tops) must outlive a restart, or offsets repeat.
        var redis = builder.AddRedis("redis").WithDataVolume("realtime-redis-data").WithAppendOnlyFile();
        var postgres = builder.AddPostgres("postgres").WithDataVolume("realtime-postgres-data");
        var database = postgres.AddDatabase(historyDatabase);
        if (builder.ExecutionContext.IsPublishMode)
        {
            // Aspire creates the database itself only when it runs the container; a deployed one
            // has the image create it on its first start, or history could never connect.
            postgres.WithEnvironment("POSTGRES_DB", historyDatabase);
        }

        var kafka = AddKafka(builder, advertisedHost: builder.ExecutionContext.IsPublishMode ? "kafka" : "localhost");
        return new BackingServices(redis, database, kafka, LogTransport: "Kafka", [redis, postgres, kafka]);
    }

    /// <param name="builder">The AppHost's builder.</param>
    /// <param name="advertisedHost">
    /// Where clients find the broker: the host (services run as local processes) or the
    /// container's own name (services are containers next to it in a deployment).
    /// </param>
    private static IResourceBuilder<KafkaContainerResource> AddKafka(IDistributedApplicationBuilder builder, string advertisedHost)
    {
        var resource = new KafkaContainerResource("kafka");
        const string healthKey = "kafka-listener";
        builder.Services.AddHealthChecks().AddAsyncCheck(healthKey, async ct =>
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", KafkaPort, ct);
                return HealthCheckResult.Healthy();
            }
            catch (SocketException e)
            {
                return HealthCheckResult.Unhealthy("Kafka not listening", e);
            }
        });

        return builder.AddResource(resource)
            .WithImage("apache/kafka", "3.9.1")
            .WithEndpoint(port: KafkaPort, targetPort: KafkaPort, name: "tcp", scheme: "tcp", isProxied: false)
            .WithEnvironment("KAFKA_NODE_ID", "1")
            .WithEnvironment("KAFKA_PROCESS_ROLES", "broker,controller")
            .WithEnvironment("KAFKA_LISTENERS", "PLAINTEXT://:9092,CONTROLLER://:9093")
            .WithEnvironment("KAFKA_ADVERTISED_LISTENERS", $"PLAINTEXT://{advertisedHost}:9092")
            .WithEnvironment("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER")
            .WithEnvironment("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT")
            .WithEnvironment("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@localhost:9093")
            .WithEnvironment("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1")
            .WithEnvironment("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1")
            .WithEnvironment("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1")
            .WithEnvironment("KAFKA_NUM_PARTITIONS", "8")
            .WithVolume("realtime-kafka-data", KafkaDataDirectory)
            .WithEnvironment("KAFKA_LOG_DIRS", KafkaDataDirectory)
            .WithEnvironment("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
            .WithHealthCheck(healthKey);
    }
}

/// <summary>A Kafka broker container; its connection string is the bootstrap address.</summary>
internal sealed class KafkaContainerResource(string name) : ContainerResource(name), IResourceWithConnectionString
{
    public EndpointReference Endpoint => new(this, "tcp");

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{Endpoint.Property(EndpointProperty.HostAndPort)}");
}
