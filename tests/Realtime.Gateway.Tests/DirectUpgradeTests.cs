using System.Net;
using System.Net.Sockets;
using System.Text;
using Realtime.Testing;

namespace Realtime.Gateway.Tests;

/// <summary>
/// The direct upgrade at the connection (Transport/DirectUpgradeMiddleware): the handshake as
/// RFC 6455 has it, refusals with the endpoint's status codes, bad heads answered or cut off,
/// everything else handed to Kestrel intact, and the switch back to ASP.NET Core's upgrade.
/// Kestrel's own 101 carries a <c>Server: Kestrel</c> header the direct upgrade does not send,
/// which tells the two paths apart on the wire.
/// </summary>
public sealed class DirectUpgradeTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private RedisServer _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    private static string Upgrade(string extraHeaders = "", string key = "dGhlIHNhbXBsZSBub25jZQ==", string version = "13", string target = "/connection/websocket") =>
        $"GET {target} HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: {version}\r\n{extraHeaders}\r\n";

    [Fact]
    public async Task An_upgrade_is_answered_at_the_connection_with_the_rfc_accept_key_and_the_session_works()
    {
        await using var gateway = await GatewayHost.StartAsync(_redis);
        using var raw = await RawConnection.OpenAsync(gateway.Address);
        await raw.SendAsync(Upgrade("Sec-WebSocket-Extensions: permessage-deflate\r\n"));
        var head = await raw.ReadHeadAsync(Timeout);
        Assert.StartsWith("HTTP/1.1 101 ", head, StringComparison.Ordinal);
        // RFC 6455 §1.3's worked example.
        Assert.Contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n", head, StringComparison.Ordinal);
        Assert.DoesNotContain("Server: Kestrel", head, StringComparison.Ordinal);
        Assert.DoesNotContain("Sec-WebSocket-Extensions", head, StringComparison.Ordinal);

        // And the protocol runs over it, through every layer a real client uses.
        await using var client = await ProtocolTestClient.ConnectSocketAsync(gateway.WebSocket);
        Assert.NotNull((await client.CommandAsync("connect", new { }))["connect"]?["client"]);
        Assert.NotNull((await client.CommandAsync("subscribe", new { channel = "news" }))["subscribe"]);
        Assert.NotNull((await client.CommandAsync("ping", new { }))["ping"]);
    }

    [Fact]
    public async Task Turned_off_every_upgrade_goes_through_aspnet_core()
    {
        await using var gateway = await GatewayHost.StartAsync(_redis, new Dictionary<string, string?> { ["Gateway:DirectUpgrade"] = "false" });
        using var raw = await RawConnection.OpenAsync(gateway.Address);
        await raw.SendAsync(Upgrade());
        var head = await raw.ReadHeadAsync(Timeout);
        Assert.StartsWith("HTTP/1.1 101 ", head, StringComparison.Ordinal);
        Assert.Contains("Server: Kestrel", head, StringComparison.Ordinal);
        Assert.Contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n", head, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("no key", "", "")]
    [InlineData("a key that is not 16 bytes", "", "c2hvcnQ=")]
    [InlineData("a header folded over two lines", "X-Folded: a\r\n b\r\n", "")]
    public async Task A_bad_upgrade_is_answered_400_and_closed(string what, string extraHeaders, string key)
    {
        await using var gateway = await GatewayHost.StartAsync(_redis);
        using var raw = await RawConnection.OpenAsync(gateway.Address);
        await raw.SendAsync(Upgrade(extraHeaders, key).Replace("Sec-WebSocket-Key: \r\n", "", StringComparison.Ordinal));
        var head = await raw.ReadHeadAsync(Timeout);
        Assert.True(head.StartsWith("HTTP/1.1 400 ", StringComparison.Ordinal), $"{what}: {head}");
        Assert.True(await raw.ClosedAsync(Timeout), what);
    }

    [Fact]
    public async Task A_plain_get_of_the_endpoint_is_400_as_before()
    {
        await using var gateway = await GatewayHost.StartAsync(_redis);
        using var http = new HttpClient { BaseAddress = gateway.Address };
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync(new Uri("/connection/websocket", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Another_websocket_version_is_told_to_use_13()
    {
        await using var gateway = await GatewayHost.StartAsync(_redis);
        using var raw = await RawConnection.OpenAsync(gateway.Address);
        await raw.SendAsync(Upgrade(version: "8"));
        var head = await raw.ReadHeadAsync(Timeout);
        Assert.StartsWith("HTTP/1.1 426 ", head, StringComparison.Ordinal);
        Assert.Contains("Sec-WebSocket-Version: 13\r\n", head, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_foreign_origin_is_403_and_a_listed_one_is_upgraded()
    {
        await using var gateway = await GatewayHost.StartAsync(_redis, new Dictionary<string, string?> { ["Gateway:AllowedOrigins:0"] = "https://app.example.com" });
        using (var raw = await RawConnection.OpenAsync(gateway.Address))
        {
            await raw.SendAsync(Upgrade("Origin: https://evil.example.net\r\n"));
            Assert.StartsWith("HTTP/1.1 403 ", await raw.ReadHeadAsync(Timeout), StringComparison.Ordinal);
        }

        using (var raw = await RawConnection.OpenAsync(gateway.Address))
        {
            await raw.SendAsync(Upgrade("origin:   https://APP.example.com  \r\n"));
            Assert.StartsWith("HTTP/1.1 101 ", await raw.ReadHeadAsync(Timeout), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_head_arriving_in_pieces_is_upgraded()
    {
        await using var gateway = await GatewayHost.StartAsync(_redis);
        using var raw = await RawConnection.OpenAsync(gateway.Address);
        var request = Upgrade();
        foreach (var piece in new[] { request[..2], request[2..30], request[30..] })
        {
            await raw.SendAsync(piece);
            await Task.Delay(50); // Separate segments on the wire, so the server reads each on its own.
        }

        Assert.StartsWith("HTTP/1.1 101 ", await raw.ReadHeadAsync(Timeout), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GE", "T /health HTTP/1.1\r\nHost: localhost\r\n\r\n")]
    [InlineData("GET /connection/websock", "etx HTTP/1.1\r\nHost: localhost\r\n\r\n")]
    public async Task Other_requests_reach_kestrel_intact_even_when_their_first_bytes_arrive_alone(string first, string rest)
    {
        await using var gateway = await GatewayHost.StartAsync(_redis);
        using var raw = await RawConnection.OpenAsync(gateway.Address);
        await raw.SendAsync(first);
        await Task.Delay(100);
        await raw.SendAsync(rest);
        var head = await raw.ReadHeadAsync(Timeout);
        Assert.Contains("Server: Kestrel", head, StringComparison.Ordinal);
        Assert.Matches(rest.StartsWith("T /health", StringComparison.Ordinal) ? "^HTTP/1.1 200 " : "^HTTP/1.1 404 ", head);
    }

    [Fact]
    public async Task An_oversized_head_is_431()
    {
        await using var gateway = await GatewayHost.StartAsync(_redis);
        using var raw = await RawConnection.OpenAsync(gateway.Address);
        await raw.SendAsync(Upgrade()[..^2] + "X-Padding: " + new string('a', 40_000) + "\r\n");
        Assert.StartsWith("HTTP/1.1 431 ", await raw.ReadHeadAsync(Timeout), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_head_that_never_finishes_is_cut_off_at_the_upgrade_timeout()
    {
        await using var gateway = await GatewayHost.StartAsync(_redis, new Dictionary<string, string?> { ["Gateway:UpgradeTimeout"] = "00:00:01" });
        using var raw = await RawConnection.OpenAsync(gateway.Address);
        await raw.SendAsync("GET /connection/websocket HTTP/1.1\r\nHost: localhost\r\n");
        Assert.True(await raw.ClosedAsync(Timeout), "the stalled head's connection to be closed");

        // The node is fine.
        await using var client = await ProtocolTestClient.ConnectSocketAsync(gateway.WebSocket);
    }

    /// <summary>A TCP connection that speaks bytes, for heads no WebSocket client would send.</summary>
    private sealed class RawConnection : IDisposable
    {
        private readonly TcpClient _tcp;
        private readonly NetworkStream _stream;

        private RawConnection(TcpClient tcp)
        {
            _tcp = tcp;
            _stream = tcp.GetStream();
        }

        public static async Task<RawConnection> OpenAsync(Uri address)
        {
            var tcp = new TcpClient { NoDelay = true };
            await tcp.ConnectAsync(address.Host, address.Port);
            return new RawConnection(tcp);
        }

        public async Task SendAsync(string text) => await _stream.WriteAsync(Encoding.Latin1.GetBytes(text));

        /// <summary>The response head, through its blank line.</summary>
        public async Task<string> ReadHeadAsync(TimeSpan timeout)
        {
            using var deadline = new CancellationTokenSource(timeout);
            var received = new StringBuilder();
            var buffer = new byte[1];
            while (!received.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
            {
                if (await _stream.ReadAsync(buffer, deadline.Token) == 0)
                {
                    break;
                }

                received.Append((char)buffer[0]);
            }

            return received.ToString();
        }

        /// <summary>Whether the server closes the connection (reads reach its end) within the timeout.</summary>
        public async Task<bool> ClosedAsync(TimeSpan timeout)
        {
            using var deadline = new CancellationTokenSource(timeout);
            var buffer = new byte[1024];
            try
            {
                while (await _stream.ReadAsync(buffer, deadline.Token) > 0)
                {
                }

                return true;
            }
            catch (IOException)
            {
                return true; // Reset: closed all the same.
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        public void Dispose() => _tcp.Dispose();
    }
}
