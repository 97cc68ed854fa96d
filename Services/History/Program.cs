using Realtime.History.Ingest;
using Realtime.History.Storage;
using Realtime.Messaging;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddNpgsqlDataSource("historydb");
builder.AddRedisClient("redis");
builder.AddPublicationLog();
// Registered before the consumer: hosted services start in order, so the schema exists first.
builder.Services.AddHostedService<SchemaMigrator>();
builder.Services.AddSingleton<PublicationStore>();
builder.AddLogConsumer<HistoryIngestHandler>();

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();
