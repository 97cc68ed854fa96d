using Realtime.Demo;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.Services.AddOptions<DemoOptions>().BindConfiguration(DemoOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<DemoTokens>();
// "fanout" through service discovery: the AppHost's reference gives its address.
builder.Services.AddHttpClient<ServerApiClient>(http => http.BaseAddress = new Uri("http://fanout"));

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapDemo();

app.Run();
