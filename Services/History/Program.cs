using Realtime.Contracts;
using Realtime.History;
using Realtime.History.Apis;
using Realtime.History.Ingest;
using Realtime.History.Query;
using Realtime.History.Storage;
using Realtime.Messaging;
using Realtime.Messaging.Dapr;
using Realtime.Messaging.Delivery;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddNpgsqlDataSource(ServiceNames.HistoryDatabase);
builder.AddRealtimeRedisClient();
builder.AddPublicationLog();
builder.Services.AddOptions<HistoryOptions>().BindConfiguration(HistoryOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddOptions<DeliveryOptions>().BindConfiguration(DeliveryOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
// Registered before the consumer: hosted services start in order, so the schema exists first.
builder.Services.AddHostedService<SchemaMigrator>();
builder.Services.AddSingleton<PublicationStore>();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddHostedService<RetentionService>();
builder.Services.AddSingleton<IDurableStreamTops, StoredStreamTops>();
builder.Services.AddSingleton<ChannelStreams>();
builder.Services.AddSingleton<HotWindowReader>();
builder.Services.AddSingleton<HistoryQueryService>();
builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, HistoryJsonContext.Default));
builder.AddLogConsumer<HistoryIngestHandler>();

var app = builder.Build();

app.MapHistoryApi();
// Serves /dapr/subscribe and the delivery routes when the log is Dapr pub/sub; inert otherwise.
app.MapDaprLogSubscriptions();
app.MapDefaultEndpoints();

app.Run();
