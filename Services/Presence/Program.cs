using Realtime.Contracts;
using Realtime.Presence;
using Realtime.Presence.Apis;
using Realtime.Presence.Store;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddRedisClient(ServiceNames.Redis);
builder.Services.AddOptions<PresenceOptions>().BindConfiguration(PresenceOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<PresenceStore>();
builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, PresenceJsonContext.Default));

var app = builder.Build();

app.MapPresenceApi();
app.MapDefaultEndpoints();

app.Run();
