using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Realtime.Testing;

namespace Realtime.EndToEnd.Tests;

/// <summary>
/// A stand-in for the customer's application backend that the gateway's RPC proxy calls: a
/// real HTTP server on loopback speaking Centrifugo's proxy protocol.
/// </summary>
public sealed class ApplicationBackend : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ApplicationBackend(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public Uri RpcEndpoint => new(Address, "/rpc");

    public static async Task<ApplicationBackend> StartAsync()
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        app.MapPost("/rpc", async (HttpRequest request) =>
        {
            var body = (await JsonNode.ParseAsync(request.Body))!.AsObject();
            return body["method"]?.GetValue<string>() == "echo"
                ? Results.Json(new JsonObject { ["result"] = new JsonObject { ["data"] = new JsonObject { ["echo"] = body["data"]?.DeepClone(), ["user"] = body["user"]?.DeepClone() } } })
                : Results.Json(new JsonObject { ["error"] = new JsonObject { ["code"] = 1000, ["message"] = "no such method" } });
        });
        await app.StartAsync();
        var backend = new ApplicationBackend(app, new Uri($"http://127.0.0.1:{port}"));
        // Warm up (JIT, first request) before the gateway's proxy timeout starts counting.
        using var http = new HttpClient();
        using var warmUp = await http.PostAsync(backend.RpcEndpoint, new StringContent("{\"method\":\"echo\",\"data\":{}}", System.Text.Encoding.UTF8, "application/json"));
        warmUp.EnsureSuccessStatusCode();
        return backend;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
