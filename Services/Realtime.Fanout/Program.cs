using Realtime.Fanout.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddFanoutServices();

var app = builder.Build();

app.MapFanout();

app.Run();
