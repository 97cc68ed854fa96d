using Realtime.Fanout.Extensions;
using Realtime.Fanout.ServerApi;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddFanoutServices();

var app = builder.Build();

app.MapServerApi();
app.MapDefaultEndpoints();

app.Run();
