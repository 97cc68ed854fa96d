using System.Net.WebSockets;
using Google.Protobuf;
using Realtime.Testing;
using Wire = Realtime.Protocol.Protobuf.Wire;

namespace Realtime.Gateway.Tests;

/// <summary>
/// The Protobuf format on a gateway node: chosen by the <c>centrifuge-protobuf</c> subprotocol
/// (which the handshake then names) or by <c>?cf_protocol=protobuf</c>, through both upgrade
/// paths; binary messages of length-delimited commands in, of length-delimited replies out.
/// </summary>
public sealed class ProtobufSessionTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private RedisServer _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Theory]
    [InlineData(true, true)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(false, false)]
    public async Task A_protobuf_client_connects_subscribes_and_queries_in_binary(bool directUpgrade, bool bySubprotocol)
    {
        await using var gateway = await GatewayHost.StartAsync(_redis, new Dictionary<string, string?> { ["Gateway:DirectUpgrade"] = directUpgrade.ToString() });
        using var socket = new ClientWebSocket();
        var endpoint = gateway.WebSocket;
        if (bySubprotocol)
        {
            socket.Options.AddSubProtocol("centrifuge-protobuf");
        }
        else
        {
            endpoint = new UriBuilder(endpoint) { Query = "cf_protocol=protobuf" }.Uri;
        }

        await socket.ConnectAsync(endpoint, CancellationToken.None);
        Assert.Equal(bySubprotocol ? "centrifuge-protobuf" : null, socket.SubProtocol);

        // Two commands in one message, as the SDKs batch them.
        await SendAsync(socket,
            new Wire.Command { Id = 1, Connect = new Wire.ConnectRequest { Name = "test" } },
            new Wire.Command { Id = 2, Subscribe = new Wire.SubscribeRequest { Channel = "news" } });
        var connect = await ReplyAsync(socket, 1);
        Assert.False(string.IsNullOrEmpty(connect.Connect.Client));
        Assert.True(connect.Connect.Ping > 0);
        var subscribe = await ReplyAsync(socket, 2);
        Assert.NotNull(subscribe.Subscribe);
        Assert.Null(subscribe.Error);

        await SendAsync(socket, new Wire.Command { Id = 3, Ping = new Wire.PingRequest() }, new Wire.Command { Id = 4, Rpc = new Wire.RPCRequest { Method = "m" } });
        Assert.NotNull((await ReplyAsync(socket, 3)).Ping);
        Assert.Equal(108u, (await ReplyAsync(socket, 4)).Error.Code); // no RPC backend: not available, as in JSON
    }

    [Fact]
    public async Task Data_that_is_not_json_is_a_bad_request()
    {
        await using var gateway = await GatewayHost.StartAsync(_redis);
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("centrifuge-protobuf");
        await socket.ConnectAsync(gateway.WebSocket, CancellationToken.None);
        await SendAsync(socket, new Wire.Command { Id = 1, Connect = new Wire.ConnectRequest() });
        await ReplyAsync(socket, 1);
        await SendAsync(socket, new Wire.Command { Id = 2, Publish = new Wire.PublishRequest { Channel = "news", Data = ByteString.CopyFrom(0xDE, 0xAD, 0xBE, 0xEF) } });
        using var deadline = new CancellationTokenSource(Timeout);
        var buffer = new byte[4096];
        WebSocketReceiveResult received;
        do
        {
            received = await socket.ReceiveAsync(buffer, deadline.Token);
        }
        while (received.MessageType != WebSocketMessageType.Close);
        Assert.Equal(3501, (int)socket.CloseStatus!.Value);
    }

    private static async Task SendAsync(ClientWebSocket socket, params Wire.Command[] commands)
    {
        using var stream = new MemoryStream();
        foreach (var command in commands)
        {
            command.WriteDelimitedTo(stream);
        }

        await socket.SendAsync(stream.ToArray(), WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
    }

    private readonly Queue<Wire.Reply> _pending = new();

    /// <summary>The reply with this id, reading binary messages (each may carry several replies).</summary>
    private async Task<Wire.Reply> ReplyAsync(ClientWebSocket socket, uint id)
    {
        using var deadline = new CancellationTokenSource(Timeout);
        while (true)
        {
            while (_pending.TryDequeue(out var queued))
            {
                if (queued.Id == id)
                {
                    return queued;
                }
            }

            using var message = new MemoryStream();
            var buffer = new byte[4096];
            WebSocketReceiveResult received;
            do
            {
                received = await socket.ReceiveAsync(buffer, deadline.Token);
                message.Write(buffer, 0, received.Count);
            }
            while (!received.EndOfMessage);
            Assert.Equal(WebSocketMessageType.Binary, received.MessageType);
            message.Position = 0;
            while (message.Position < message.Length)
            {
                _pending.Enqueue(Wire.Reply.Parser.ParseDelimitedFrom(message));
            }
        }
    }
}
