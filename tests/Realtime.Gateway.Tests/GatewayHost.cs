using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Realtime.Gateway.Extensions;
using Realtime.Gateway.Transport;
using Realtime.Testing;

namespace Realtime.Gateway.Tests;

/// <summary>
/// A gateway node hosted in the test process exactly as Program.cs hosts it (real Kestrel,
/// real Redis), with configuration overrides — for behaviour that needs a whole node:
/// heartbeats, limits, drain, TLS.
/// </summary>
internal sealed class GatewayHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GatewayHost(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public Uri WebSocket => new UriBuilder(Address) { Scheme = Address.Scheme == "https" ? "wss" : "ws", Path = WebSocketEndpoint.Path }.Uri;

    public IHostApplicationLifetime Lifetime => _app.Lifetime;

    public static async Task<GatewayHost> StartAsync(RedisServer redis, IDictionary<string, string?>? overrides = null, bool https = false)
    {
        var port = FreePort.Next();
        var scheme = https ? "https" : "http";
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = redis.ConnectionString,
            ["Gateway:AllowAnonymous"] = "true",
            ["Gateway:DrainWindow"] = "00:00:01",
            ["Channels:Default:AllowSubscribeForClient"] = "true",
            ["Channels:Default:AllowPublishForSubscriber"] = "true",
            // Most tests connect anonymously.
            ["Channels:Default:AllowSubscribeForAnonymous"] = "true",
            ["Channels:Default:AllowPublishForAnonymous"] = "true",
            ["Kestrel:Endpoints:Main:Url"] = $"{scheme}://127.0.0.1:{port}",
            ["Shutdown:Timeout"] = "00:00:10",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ApplicationName = typeof(GatewayOptions).Assembly.GetName().Name, EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddServiceDefaults();
        builder.AddGatewayServices();
        var app = builder.Build();
        app.MapGateway();
        await app.StartAsync();
        return new GatewayHost(app, new Uri($"{scheme}://127.0.0.1:{port}"));
    }

    /// <summary>Starts a graceful shutdown (as SIGTERM does) without waiting for it.</summary>
    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
