using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Realtime.Testing;

namespace Realtime.Gateway.Tests;

/// <summary>
/// A scripted application backend for the proxy tests: a real HTTP server on loopback that
/// records what the gateway sent and answers what each test sets for a route.
/// </summary>
internal sealed class ProxyBackend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Func<JsonObject, JsonObject>> _answers = new();

    private ProxyBackend(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public ConcurrentQueue<(string Route, JsonObject Body)> Calls { get; } = new();

    public Uri Endpoint(string route) => new(Address, "/" + route);

    public void Answer(string route, Func<JsonObject, JsonObject> answer) => _answers[route] = answer;

    public static async Task<ProxyBackend> StartAsync()
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var backend = new ProxyBackend(app, new Uri($"http://127.0.0.1:{port}"));
        app.MapPost("/{route}", async (string route, HttpRequest request) =>
        {
            var body = (await JsonNode.ParseAsync(request.Body))!.AsObject();
            backend.Calls.Enqueue((route, body));
            var answer = backend._answers.TryGetValue(route, out var answering) ? answering(body) : new JsonObject { ["result"] = new JsonObject() };
            return Results.Json(answer);
        });
        await app.StartAsync();
        return backend;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
