using Realtime.Contracts;
using Realtime.History.Apis;
using Realtime.History.Ingest;
using Realtime.History.Query;
using Realtime.History.Storage;
using Realtime.Messaging;
using Realtime.Messaging.Dapr;
using Realtime.Delivery;
using Realtime.Redis;
using Realtime.Messaging.RedisStreams;
using Realtime.Messaging.Kafka;

namespace Realtime.History.Extensions;

internal static class HistoryServiceExtensions
{
    /// <summary>Storage of sequenced publications in PostgreSQL, retention, and history queries.</summary>
    public static IHostApplicationBuilder AddHistoryServices(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDataSource(ServiceNames.HistoryDatabase);
        builder.AddRealtimeRedisClient();
        builder.AddPublicationLog(RedisStreamsLogTransport.Instance, KafkaLogTransport.Instance, DaprLogTransport.Instance);
        builder.Services.AddOptions<HistoryOptions>().BindConfiguration(HistoryOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddDeliveryOptions();
        // Migrates beside the web host; ingest and retention wait for it, readiness reports it.
        builder.Services.AddSingleton<SchemaReadiness>();
        builder.Services.AddHostedService<SchemaMigrator>();
        builder.Services.AddHealthChecks().AddCheck<SchemaHealthCheck>("history-schema");
        builder.Services.AddSingleton<PublicationStore>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddHostedService<RetentionService>();
        builder.Services.AddSingleton<IDurableStreamTops, StoredStreamTops>();
        builder.Services.AddSingleton<ChannelStreams>();
        builder.Services.AddSingleton<HotWindowReader>();
        builder.Services.AddSingleton<HistoryQueryService>();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, HistoryJsonContext.Default));
        builder.AddLogConsumer<HistoryIngestHandler>();
        return builder;
    }

    /// <summary>The history API, the Dapr delivery routes (inert unless the log is Dapr pub/sub) and the health endpoints.</summary>
    public static WebApplication MapHistory(this WebApplication app)
    {
        app.MapHistoryApi();
        app.MapDaprLogSubscriptions();
        app.MapDefaultEndpoints();
        return app;
    }
}
