using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Realtime.Gateway.Clients;
using Realtime.Gateway.Transport;
using Realtime.Protocol;
using Realtime.Protocol.Codes;

namespace Realtime.Gateway.Tests;

/// <summary>The outbox over a real WebSocket on a loopback TCP connection.</summary>
public sealed class ClientOutboxTests : IAsyncLifetime
{
    private WebSocket _server = null!;
    private WebSocket _client = null!;
    private readonly List<IDisposable> _owned = [];

    public async Task InitializeAsync()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var clientSocket = new TcpClient();
        var accept = listener.AcceptTcpClientAsync();
        await clientSocket.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        var serverSocket = await accept;
        // Small kernel buffers so a reader that never reads fills them quickly.
        serverSocket.SendBufferSize = 4096;
        clientSocket.ReceiveBufferSize = 4096;
        _owned.AddRange([clientSocket, serverSocket]);
        _server = WebSocket.CreateFromStream(serverSocket.GetStream(), new WebSocketCreationOptions { IsServer = true });
        _client = WebSocket.CreateFromStream(clientSocket.GetStream(), new WebSocketCreationOptions { IsServer = false });
    }

    public Task DisposeAsync()
    {
        _server.Dispose();
        _client.Dispose();
        _owned.ForEach(o => o.Dispose());
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Frames_arrive_in_order_possibly_coalesced_with_newlines()
    {
        var outbox = new ClientOutbox(new WebSocketTransport(_server, ProtocolFormat.Json), new GatewayOptions(), _ => { });
        for (var i = 0; i < 100; i++)
        {
            Assert.True(outbox.TryEnqueue(Encoding.UTF8.GetBytes($"{{\"n\":{i}}}")));
        }

        var received = new List<string>();
        var buffer = new byte[1 << 16];
        while (received.Count < 100)
        {
            var result = await _client.ReceiveAsync(buffer, new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token);
            received.AddRange(Encoding.UTF8.GetString(buffer, 0, result.Count).Split('\n'));
        }

        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"{{\"n\":{i}}}"), received);
    }

    [Fact]
    public void A_reader_that_never_reads_hits_the_queue_bound()
    {
        var options = new GatewayOptions { MaxQueuedBytes = 64 * 1024, MaxQueuedMessages = 1000 };
        var outbox = new ClientOutbox(new WebSocketTransport(_server, ProtocolFormat.Json), options, _ => { });
        var frame = new byte[1024];
        Array.Fill(frame, (byte)'x');

        var accepted = 0;
        while (outbox.TryEnqueue(frame))
        {
            accepted++;
            Assert.True(accepted < 10_000, "the outbox never refused a frame");
        }

        // Bounded: at most the queue limit plus what the kernel and one in-flight write took.
        Assert.True(outbox.QueuedBytes <= options.MaxQueuedBytes);
    }

    [Fact]
    public async Task Close_writes_queued_frames_then_the_close_code()
    {
        var outbox = new ClientOutbox(new WebSocketTransport(_server, ProtocolFormat.Json), new GatewayOptions(), _ => { });
        outbox.TryEnqueue("last words"u8.ToArray());
        outbox.Close(Disconnect.Shutdown, discardQueued: false);

        var buffer = new byte[1024];
        var text = await _client.ReceiveAsync(buffer, new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token);
        Assert.Equal("last words", Encoding.UTF8.GetString(buffer, 0, text.Count));
        var close = await _client.ReceiveAsync(buffer, new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token);
        Assert.Equal(WebSocketMessageType.Close, close.MessageType);
        Assert.Equal(3001, (int)close.CloseStatus!);
        Assert.Equal("shutdown", close.CloseStatusDescription);
        await outbox.Completion.WaitAsync(TimeSpan.FromSeconds(5));
    }
}
