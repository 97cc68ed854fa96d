using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Realtime.Bench.Tests.StandIn;

/// <summary>
/// A stand-in for the gateway that speaks just enough of the client protocol for the bench
/// (connect, subscribe, publish; publication pushes with per-channel offsets) on a loopback
/// Kestrel WebSocket endpoint, and misbehaves exactly as its <see cref="ServerBehaviour"/> says.
/// </summary>
internal sealed class StandInServer : IAsyncDisposable
{
    /// <summary>The error code of a refused publish (any non-zero code is a refusal to the bench).</summary>
    public const int RefusedCode = 103;

    private readonly WebApplication _app;
    private readonly ServerBehaviour _behaviour;
    private readonly ConcurrentDictionary<string, StandInChannel> _channels = new(StringComparer.Ordinal);
    private long _pushes;

    private StandInServer(WebApplication app, ServerBehaviour behaviour)
    {
        _app = app;
        _behaviour = behaviour;
    }

    /// <summary>The WebSocket endpoint, at the path the gateway serves it on.</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>Publication pushes handed to connections so far, faults included (dropped ones are not written).</summary>
    public long PushesWritten => Interlocked.Read(ref _pushes);

    public static async Task<StandInServer> StartAsync(ServerBehaviour behaviour)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        // Connections end when the stand-in stops; this only bounds a stop that goes wrong.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        var app = builder.Build();
        var server = new StandInServer(app, behaviour);
        app.UseWebSockets();
        app.Map("/connection/websocket", (RequestDelegate)server.AcceptAsync);
        await app.StartAsync();

        var bound = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single());
        server.Endpoint = new Uri($"ws://127.0.0.1:{bound.Port}/connection/websocket");
        return server;
    }

    private async Task AcceptAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        await new StandInConnection(socket).RunAsync(Handle, _app.Lifetime.ApplicationStopping);
    }

    /// <summary>One command line. Lines without an id (the client's pongs) need no answer.</summary>
    private void Handle(StandInConnection connection, ReadOnlyMemory<byte> line)
    {
        using var command = JsonDocument.Parse(line);
        var root = command.RootElement;
        if (!root.TryGetProperty("id", out var idProperty))
        {
            return;
        }

        var id = idProperty.GetUInt32();
        if (root.TryGetProperty("connect", out _))
        {
            connection.Send(StandInFrames.ConnectReply(id));
        }
        else if (root.TryGetProperty("subscribe", out var subscribe))
        {
            var channel = ChannelNamed(subscribe);
            connection.Subscribed(channel);
            channel.Subscribe(connection, id);
        }
        else if (root.TryGetProperty("publish", out var publish))
        {
            Publish(connection, id, publish);
        }
    }

    private void Publish(StandInConnection connection, uint id, JsonElement publish)
    {
        var data = publish.GetProperty("data");
        if (_behaviour.Refuses(data.GetProperty("n").GetInt64()))
        {
            connection.Send(StandInFrames.ErrorReply(id, RefusedCode));
            return;
        }

        Interlocked.Add(ref _pushes, ChannelNamed(publish).Publish(data.GetRawText(), _behaviour));
        // Replied after the pushes are counted: once the bench holds every reply,
        // PushesWritten is final and it only has to wait for those pushes to arrive.
        connection.Send(StandInFrames.PublishReply(id));
    }

    private StandInChannel ChannelNamed(JsonElement command)
    {
        var name = command.GetProperty("channel").GetString()!;
        return _channels.GetOrAdd(name, static n => new StandInChannel(n));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
