using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Realtime.Testing;

namespace Realtime.Client.Tests;

/// <summary>
/// A WebSocket server the test scripts message by message, to put the client in situations a
/// real server produces only by chance: replies and pushes in one message, silence, chosen close codes.
/// </summary>
internal sealed class ScriptedServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Channel<ScriptedConnection> _connections = Channel.CreateUnbounded<ScriptedConnection>();
    private readonly Task _accepting;

    public ScriptedServer()
    {
        var port = FreePort.Next();
        Endpoint = new Uri($"ws://127.0.0.1:{port}/connection/websocket");
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public Uri Endpoint { get; }

    /// <summary>The next connection the client opens.</summary>
    public async Task<ScriptedConnection> NextConnectionAsync(TimeSpan timeout) => await _connections.Reader.ReadAsync().AsTask().WaitAsync(timeout);

    private async Task AcceptAsync()
    {
        while (_listener.IsListening)
        {
            try
            {
                var context = await _listener.GetContextAsync();
                var socket = await context.AcceptWebSocketAsync(subProtocol: null);
                await _connections.Writer.WriteAsync(new ScriptedConnection(socket.WebSocket));
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException or WebSocketException)
            {
                if (!_listener.IsListening)
                {
                    return;
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }
}

/// <summary>One client connection as the scripted server sees it.</summary>
internal sealed class ScriptedConnection(WebSocket socket)
{
    private readonly Queue<JsonObject> _received = new();

    /// <summary>The next JSON object the client sent (a message may hold several, one per line).</summary>
    public async Task<JsonObject> ReceiveAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (_received.Count == 0)
        {
            var buffer = new byte[64 * 1024];
            var result = await socket.ReceiveAsync(buffer, deadline.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new WebSocketException("the client closed");
            }

            foreach (var line in Encoding.UTF8.GetString(buffer, 0, result.Count).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                _received.Enqueue(JsonNode.Parse(line)!.AsObject());
            }
        }

        return _received.Dequeue();
    }

    /// <summary>Receives the next command, which must be <paramref name="method"/>; returns its id and body.</summary>
    public async Task<(uint Id, JsonObject Body)> ExpectAsync(string method, TimeSpan timeout)
    {
        var command = await ReceiveAsync(timeout);
        Assert.True(command[method] is JsonObject, $"expected {method}, got {command.ToJsonString()}");
        return (command["id"]?.GetValue<uint>() ?? 0, command[method]!.AsObject());
    }

    /// <summary>Sends one message made of these JSON objects, newline-separated as the server does.</summary>
    public Task SendAsync(params string[] objects) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(string.Join('\n', objects)), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

    public Task CloseAsync(int code, string reason) =>
        socket.CloseOutputAsync((WebSocketCloseStatus)code, reason, CancellationToken.None);

    /// <summary>Completes when the client goes away (its close, or the connection's end).</summary>
    public async Task WaitClosedAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, deadline.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }
            }
        }
        catch (WebSocketException)
        {
            // Aborted: gone as well.
        }
    }
}
