using Realtime.Channels;
using Realtime.Fanout;
using Realtime.Fanout.Sequencing;
using Realtime.Messaging;
using Realtime.Messaging.Delivery;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddRedisClient("redis");
builder.AddChannelNamespaces();
builder.AddPublicationLog();
builder.Services.AddOptions<FanoutOptions>().BindConfiguration(FanoutOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddOptions<DeliveryOptions>().BindConfiguration(DeliveryOptions.SectionName);
builder.Services.AddSingleton<ChannelSequencer>();
builder.AddLogConsumer<PublicationSequencingHandler>();

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();
