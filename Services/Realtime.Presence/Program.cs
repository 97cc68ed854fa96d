using Realtime.Presence.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddPresenceServices();

var app = builder.Build();

app.MapPresence();

app.Run();
