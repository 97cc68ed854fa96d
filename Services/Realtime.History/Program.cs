using Realtime.History.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddHistoryServices();

var app = builder.Build();

app.MapHistory();

app.Run();
