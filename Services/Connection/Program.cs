using Realtime.Connection.Extensions;
using Realtime.Connection.Transport;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddGatewayServices();

var app = builder.Build();

app.UseWebSockets();
app.MapClientWebSocket();
app.MapDefaultEndpoints();

app.Run();
