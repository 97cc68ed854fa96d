using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Realtime.Messaging.Log;

namespace Realtime.Messaging.Kafka;

/// <summary>
/// The publication log on Kafka, configured as Aspire's Kafka client integration would be:
/// <c>ConnectionStrings:kafka</c> and <c>Aspire:Confluent:Kafka:Producer|Consumer:Config</c>.
/// </summary>
public sealed class KafkaLogTransport : ILogTransport
{
    public static readonly KafkaLogTransport Instance = new();

    private KafkaLogTransport()
    {
    }

    public LogTransport Kind => LogTransport.Kafka;

    public void AddProducer(IHostApplicationBuilder builder)
    {
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
        builder.Services.AddHealthChecks().AddCheck<KafkaHealthCheck>("publication-log");
    }

    public void AddConsumer<THandler>(IHostApplicationBuilder builder) where THandler : class, ILogHandler =>
        builder.Services.AddSingleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<KafkaLogConsumer>(sp, sp.GetRequiredService<THandler>()));
}
