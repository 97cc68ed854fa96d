using Realtime.Channels;
using Realtime.Contracts;
using Realtime.Fanout.Sequencing;
using Realtime.Fanout.ServerApi;
using Realtime.Messaging;
using Realtime.Messaging.Dapr;
using Realtime.Delivery;
using Realtime.Redis;
using Realtime.Messaging.RedisStreams;
using Realtime.Messaging.Kafka;

namespace Realtime.Fanout.Extensions;

internal static class FanoutServiceExtensions
{
    /// <summary>Sequencing and delivery of the publication log, and the server API.</summary>
    public static IHostApplicationBuilder AddFanoutServices(this IHostApplicationBuilder builder)
    {
        builder.AddRealtimeRedisClient();
        builder.AddChannelNamespaces();
        builder.AddPublicationLog(RedisStreamsLogTransport.Instance, KafkaLogTransport.Instance, DaprLogTransport.Instance);
        builder.Services.AddOptions<FanoutOptions>().BindConfiguration(FanoutOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddDeliveryOptions();
        builder.Services.AddChannelStreamsWithHistoryTops();
        builder.Services.AddSingleton<ChannelSequencer>();
        builder.AddLogConsumer<PublicationSequencingHandler>();

        builder.Services.AddOptions<ServerApiOptions>().BindConfiguration(ServerApiOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<ServerApiOptions>, ServerApiOptionsValidator>();
        builder.Services.AddHttpClient(ServerApiCommands.PresenceClient, client => client.BaseAddress = new Uri($"http://{ServiceNames.Presence}"));
        builder.Services.AddHttpClient(ServerApiCommands.HistoryClient, client => client.BaseAddress = new Uri($"http://{ServiceNames.History}"));
        builder.Services.AddSingleton<ServerApiCommands>();
        return builder;
    }

    /// <summary>The server API, the Dapr delivery routes (inert unless the log is Dapr pub/sub) and the health endpoints.</summary>
    public static WebApplication MapFanout(this WebApplication app)
    {
        app.MapServerApi();
        app.MapDaprLogSubscriptions();
        app.MapDefaultEndpoints();
        return app;
    }
}
