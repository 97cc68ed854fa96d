using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Realtime.Messaging.Dapr;
using Realtime.Messaging.Kafka;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Realtime.Messaging.Log;
using Realtime.Messaging.Publications;
using Realtime.Messaging.RedisStreams;

namespace Realtime.Messaging;

/// <summary>Registers the publication log with the transport chosen by <c>Messaging:Transport</c>.</summary>
public static class PublicationLogExtensions
{
    /// <summary>Adds the producer side and the log's readiness check.</summary>
    /// <remarks>The Redis Streams transport uses the service's <c>IConnectionMultiplexer</c>.</remarks>
    public static IHostApplicationBuilder AddPublicationLog(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<MessagingOptions>()
            .Bind(builder.Configuration.GetSection(MessagingOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<PublicationPublisher>();
        var health = builder.Services.AddHealthChecks();
        switch (TransportOf(builder.Configuration))
        {
            case LogTransport.RedisStreams:
                builder.Services.AddSingleton<ILogProducer, RedisStreamsLogProducer>();
                health.AddCheck<RedisStreamsHealthCheck>("publication-log");
                break;
            case LogTransport.Kafka:
                builder.Services.AddOptions<KafkaOptions>()
                    .Configure<IConfiguration>((kafka, configuration) =>
                    {
                        kafka.BootstrapServers = configuration.GetConnectionString(KafkaOptions.ConnectionName) ?? "";
                        configuration.GetSection($"{KafkaOptions.ProducerSection}:Config").Bind(kafka.ProducerConfig);
                        configuration.GetSection($"{KafkaOptions.ConsumerSection}:Config").Bind(kafka.ConsumerConfig);
                    })
                    .Validate(kafka => kafka.BootstrapServers.Length > 0, "ConnectionStrings:kafka (the bootstrap servers) is required for the Kafka transport.")
                    .ValidateOnStart();
                builder.Services.AddSingleton<ILogProducer, KafkaLogProducer>();
                health.AddCheck<KafkaHealthCheck>("publication-log");
                break;
            case LogTransport.Dapr:
                // Registers the producer and the sidecar's readiness check ("publication-log").
                builder.Services.AddDaprLogProducer();
                builder.Services.Configure<DaprLogSubscriptionOptions>(builder.Configuration.GetSection($"{MessagingOptions.SectionName}:Dapr"));
                break;
            default:
                throw new NotSupportedException($"Messaging:Transport '{TransportOf(builder.Configuration)}' is not available in this build.");
        }

        return builder;
    }

    /// <summary>Consumes <typeparamref name="THandler"/>'s topic as its consumer group.</summary>
    public static IHostApplicationBuilder AddLogConsumer<THandler>(this IHostApplicationBuilder builder) where THandler : class, ILogHandler
    {
        builder.Services.AddSingleton<THandler>();
        switch (TransportOf(builder.Configuration))
        {
            case LogTransport.RedisStreams:
                builder.Services.AddSingleton<Microsoft.Extensions.Hosting.IHostedService>(sp =>
                    ActivatorUtilities.CreateInstance<RedisStreamsLogConsumer>(sp, sp.GetRequiredService<THandler>()));
                break;
            case LogTransport.Kafka:
                builder.Services.AddSingleton<Microsoft.Extensions.Hosting.IHostedService>(sp =>
                    ActivatorUtilities.CreateInstance<KafkaLogConsumer>(sp, sp.GetRequiredService<THandler>()));
                break;
            case LogTransport.Dapr:
                // Dapr pushes records to the endpoints MapDaprLogSubscriptions serves.
                builder.Services.AddDaprLogConsumer<THandler>();
                break;
            default:
                throw new NotSupportedException($"Messaging:Transport '{TransportOf(builder.Configuration)}' is not available in this build.");
        }

        return builder;
    }

    private static LogTransport TransportOf(IConfiguration configuration) =>
        configuration.GetSection(MessagingOptions.SectionName).Get<MessagingOptions>()?.Transport ?? LogTransport.RedisStreams;
}
