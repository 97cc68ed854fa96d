using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Realtime.Messaging.Dapr.Tests;

/// <summary>
/// daprd's two APIs on loopback: gRPC (HTTP/2 without TLS, as the sidecar serves it) for
/// publishing, HTTP/1.1 for the health endpoint DaprClient probes.
/// </summary>
public sealed class FakeDaprSidecar : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeDaprSidecar(WebApplication app, FakeDaprApi api, string grpcEndpoint, string httpEndpoint)
    {
        _app = app;
        Api = api;
        GrpcEndpoint = grpcEndpoint;
        HttpEndpoint = httpEndpoint;
    }

    public FakeDaprApi Api { get; }

    public string GrpcEndpoint { get; }

    public string HttpEndpoint { get; }

    public static async Task<FakeDaprSidecar> StartAsync()
    {
        var api = new FakeDaprApi();
        ListenOptions grpc = null!, http = null!;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0, o => { o.Protocols = HttpProtocols.Http2; grpc = o; });
            kestrel.Listen(IPAddress.Loopback, 0, o => { o.Protocols = HttpProtocols.Http1; http = o; });
        });
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(api);

        var app = builder.Build();
        app.MapGrpcService<FakeDaprApi>();
        app.MapGet("/v1.0/healthz/outbound", () => Results.StatusCode(api.OutboundHealthy ? 204 : 500));
        await app.StartAsync();
        // Kestrel writes the bound port back into the listen options.
        return new FakeDaprSidecar(app, api, $"http://127.0.0.1:{grpc.IPEndPoint!.Port}", $"http://127.0.0.1:{http.IPEndPoint!.Port}");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
