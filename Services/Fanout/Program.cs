using Realtime.Messaging.Dapr;
using Realtime.Fanout.Extensions;
using Realtime.Fanout.ServerApi;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddFanoutServices();

var app = builder.Build();

app.MapServerApi();
// Serves /dapr/subscribe and the delivery routes when the log is Dapr pub/sub; inert otherwise.
app.MapDaprLogSubscriptions();
app.MapDefaultEndpoints();

app.Run();
