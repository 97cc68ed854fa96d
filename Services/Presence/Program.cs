using Realtime.Messaging;
using Realtime.Channels;
using Realtime.Contracts;
using Realtime.Messaging.Delivery;
using Realtime.Presence;
using Realtime.Presence.Apis;
using Realtime.Presence.Store;
using Realtime.Presence.Sweeping;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddRealtimeRedisClient();
builder.AddChannelNamespaces();
builder.Services.AddOptions<PresenceOptions>().BindConfiguration(PresenceOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddOptions<DeliveryOptions>().BindConfiguration(DeliveryOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<PresenceEvents>();
builder.Services.AddSingleton<PresenceStore>();
builder.Services.AddHostedService<PresenceSweeper>();
builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, PresenceJsonContext.Default));

var app = builder.Build();

app.MapPresenceApi();
app.MapDefaultEndpoints();

app.Run();
