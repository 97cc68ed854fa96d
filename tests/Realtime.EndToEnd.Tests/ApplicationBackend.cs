using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Realtime.Testing;

namespace Realtime.EndToEnd.Tests;

/// <summary>
/// A stand-in for the customer's application backend that the gateway's RPC and send proxies
/// call: a real HTTP server on loopback speaking Centrifugo's proxy protocol.
/// </summary>
public sealed class ApplicationBackend : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ApplicationBackend(WebApplication app, Uri address, ConcurrentQueue<JsonObject> messages)
    {
        _app = app;
        Address = address;
        Messages = messages;
    }

    public Uri Address { get; }

    public Uri RpcEndpoint => new(Address, "/rpc");

    public Uri SendEndpoint => new(Address, "/send");

    /// <summary>The asynchronous messages clients sent, as the send proxy delivered them.</summary>
    public ConcurrentQueue<JsonObject> Messages { get; }

    public static async Task<ApplicationBackend> StartAsync()
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var messages = new ConcurrentQueue<JsonObject>();
        app.MapPost("/send", async (HttpRequest request) =>
        {
            messages.Enqueue((await JsonNode.ParseAsync(request.Body))!.AsObject());
            return Results.Json(new JsonObject { ["result"] = new JsonObject() });
        });
        app.MapPost("/rpc", async (HttpRequest request) =>
        {
            var body = (await JsonNode.ParseAsync(request.Body))!.AsObject();
            return body["method"]?.GetValue<string>() == "echo"
                ? Results.Json(new JsonObject { ["result"] = new JsonObject { ["data"] = new JsonObject { ["echo"] = body["data"]?.DeepClone(), ["user"] = body["user"]?.DeepClone() } } })
                : Results.Json(new JsonObject { ["error"] = new JsonObject { ["code"] = 1000, ["message"] = "no such method" } });
        });
        await app.StartAsync();
        var backend = new ApplicationBackend(app, new Uri($"http://127.0.0.1:{port}"), messages);
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
