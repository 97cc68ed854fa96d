using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Realtime.Testing;

namespace Realtime.Gateway.Tests;

/// <summary>Whole-node behaviour of a gateway hosted in-process over real Kestrel and Redis.</summary>
public sealed class GatewayNodeTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private RedisServer _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task Pings_arrive_on_schedule_and_a_client_that_never_pongs_is_closed_with_3012()
    {
        await using var gateway = await GatewayHost.StartAsync(_redis, new Dictionary<string, string?> { ["Gateway:PingInterval"] = "00:00:01", ["Gateway:PongTimeout"] = "00:00:01" });
        await using var alive = await ConnectedAsync(gateway);
        await using var dead = await ConnectedAsync(gateway);
        dead.AnswerPings = false;

        Assert.Equal(3012, await dead.WaitClosedAsync(Timeout));
        Assert.True(dead.PingsReceived >= 1);
        await Eventually.TrueAsync(() => Task.FromResult(alive.PingsReceived >= 3), Timeout, "three pings to the live client");
        Assert.NotNull((await alive.CommandAsync("ping", new { }))["ping"]);
    }

    [Fact]
    public async Task The_connect_reply_announces_the_ping_interval_and_pong()
    {
        await using var gateway = await GatewayHost.StartAsync(_redis, new Dictionary<string, string?> { ["Gateway:PingInterval"] = "00:00:07" });
        await using var client = await ProtocolTestClient.ConnectSocketAsync(gateway.WebSocket);
        var reply = await client.CommandAsync("connect", new { });
        Assert.Equal(7, reply["connect"]!["ping"]!.GetValue<int>());
        Assert.True(reply["connect"]!["pong"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Rpc_without_an_rpc_backend_is_not_available_108_and_the_connection_stays()
    {
        await using var gateway = await GatewayHost.StartAsync(_redis);
        await using var client = await ConnectedAsync(gateway);
        var reply = await client.CommandAsync("rpc", new { method = "anything", data = new { } });
        Assert.Equal(108, reply["error"]!["code"]!.GetValue<int>());
        Assert.NotNull((await client.CommandAsync("ping", new { }))["ping"]);
    }

    [Fact]
    public async Task An_expired_connection_may_refresh_within_the_grace_and_is_closed_with_3005_only_after_it()
    {
        var tokens = new TestTokens(new string('k', 64));
        await using var gateway = await GatewayHost.StartAsync(_redis, new Dictionary<string, string?>
        {
            ["Gateway:Token:HmacSecretKey"] = new string('k', 64),
            ["Gateway:ExpiredCloseDelay"] = "00:00:03",
        });
        var connected = System.Diagnostics.Stopwatch.StartNew();
        // Two seconds: a token's expiry is in whole seconds, so a one-second token could arrive
        // already expired on a busy machine.
        await using var idle = await ConnectedAsync(gateway, tokens.Connection("ann", TimeSpan.FromSeconds(2)));
        await using var refreshing = await ConnectedAsync(gateway, tokens.Connection("bob", TimeSpan.FromSeconds(2)));

        // Past the expiry, as an SDK refreshing when its ttl ran out would be.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var refreshed = await refreshing.CommandAsync("refresh", new { token = tokens.Connection("bob", TimeSpan.FromHours(1)) });
        Assert.True(refreshed["refresh"] is not null, refreshed.ToJsonString());

        Assert.Equal(3005, await idle.WaitClosedAsync(Timeout));
        Assert.True(connected.Elapsed >= TimeSpan.FromSeconds(3), $"closed {connected.Elapsed} after connecting, inside the grace");
        Assert.NotNull((await refreshing.CommandAsync("ping", new { }))["ping"]);
    }

    [Fact]
    public async Task A_socket_that_never_sends_connect_is_closed_as_stale()
    {
        await using var gateway = await GatewayHost.StartAsync(_redis, new Dictionary<string, string?> { ["Gateway:StaleTimeout"] = "00:00:01" });
        await using var idle = await ProtocolTestClient.ConnectSocketAsync(gateway.WebSocket);
        Assert.Equal(3502, await idle.WaitClosedAsync(Timeout));
    }

    [Fact]
    public async Task Connection_limits_per_user_close_with_3504_and_per_node_refuse_new_sockets_while_the_node_stays_healthy()
    {
        var tokens = new TestTokens(new string('k', 64));
        await using var gateway = await GatewayHost.StartAsync(_redis, new Dictionary<string, string?>
        {
            ["Gateway:Token:HmacSecretKey"] = new string('k', 64),
            ["Gateway:MaxConnectionsPerUser"] = "1",
            ["Gateway:MaxConnections"] = "2",
        });
        await using var first = await ConnectedAsync(gateway, tokens.Connection("ann"));
        await using var secondOfAnn = await ProtocolTestClient.ConnectSocketAsync(gateway.WebSocket);
        await secondOfAnn.SendRawAsync($$$"""{"id":1,"connect":{"token":"{{{tokens.Connection("ann")}}}"}}""");
        Assert.Equal(3504, await secondOfAnn.WaitClosedAsync(Timeout));

        // A socket that never authenticates counts against the node's limit too.
        ProtocolTestClient? lurker = null;
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                lurker = await ProtocolTestClient.ConnectSocketAsync(gateway.WebSocket);
                return true;
            }
            catch (System.Net.WebSockets.WebSocketException)
            {
                return false; // the refused second socket of ann is still being let go
            }
        }, Timeout, "a second socket once ann's second one is gone");
        await using var _ = lurker!;

        var refused = await Assert.ThrowsAsync<System.Net.WebSockets.WebSocketException>(() => ProtocolTestClient.ConnectSocketAsync(gateway.WebSocket));
        Assert.Contains("503", refused.Message, StringComparison.Ordinal);

        using var http = new HttpClient { BaseAddress = gateway.Address };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health")).StatusCode);
        Assert.NotNull((await first.CommandAsync("ping", new { }))["ping"]);
    }

    [Fact]
    public async Task A_socket_that_sends_pings_and_blank_frames_but_never_connects_is_still_closed_as_stale()
    {
        await using var gateway = await GatewayHost.StartAsync(_redis, new Dictionary<string, string?> { ["Gateway:StaleTimeout"] = "00:00:01" });
        await using var chatty = await ProtocolTestClient.ConnectSocketAsync(gateway.WebSocket);
        var closed = chatty.WaitClosedAsync(Timeout);
        using var keepSending = new CancellationTokenSource(Timeout);
        var sending = Task.Run(async () =>
        {
            while (!closed.IsCompleted && !keepSending.IsCancellationRequested)
            {
                try
                {
                    await chatty.SendRawAsync("{}\n\n");
                }
                catch (Exception)
                {
                    return; // the gateway closed it
                }

                await Task.Delay(100);
            }
        });

        Assert.Equal(3502, await closed);
        await sending;
    }

    [Fact]
    public async Task Channels_per_connection_are_limited_with_106_and_3505()
    {
        var tokens = new TestTokens(new string('k', 64));
        await using var gateway = await GatewayHost.StartAsync(_redis, new Dictionary<string, string?>
        {
            ["Gateway:Token:HmacSecretKey"] = new string('k', 64),
            ["Gateway:MaxChannelsPerConnection"] = "2",
        });
        await using var client = await ConnectedAsync(gateway);
        Assert.Null((await client.CommandAsync("subscribe", new { channel = "a" }))["error"]);
        Assert.Null((await client.CommandAsync("subscribe", new { channel = "b" }))["error"]);
        Assert.Equal(106, (await client.CommandAsync("subscribe", new { channel = "c" }))["error"]!["code"]!.GetValue<int>());

        await using var serverSide = await ProtocolTestClient.ConnectSocketAsync(gateway.WebSocket);
        await serverSide.SendRawAsync($$$"""{"id":1,"connect":{"token":"{{{tokens.Connection("many", channels: ["x", "y", "z"])}}}"}}""");
        Assert.Equal(3505, await serverSide.WaitClosedAsync(Timeout));
    }

    [Fact]
    public async Task Server_side_channels_from_the_token_are_subscribed_at_connect()
    {
        var tokens = new TestTokens(new string('k', 64));
        await using var gateway = await GatewayHost.StartAsync(_redis, new Dictionary<string, string?> { ["Gateway:Token:HmacSecretKey"] = new string('k', 64) });
        await using var client = await ProtocolTestClient.ConnectSocketAsync(gateway.WebSocket);
        var reply = await client.CommandAsync("connect", new { token = tokens.Connection("sam", channels: ["news", "alerts"]) });
        var subs = reply["connect"]!["subs"]!.AsObject();
        Assert.True(subs.ContainsKey("news") && subs.ContainsKey("alerts"), reply.ToJsonString());
        Assert.Equal(105, (await client.CommandAsync("subscribe", new { channel = "news" }))["error"]!["code"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_private_channel_takes_a_subscription_token_whatever_the_namespace_or_insecure_mode_allow()
    {
        var tokens = new TestTokens(new string('k', 64));
        await using var gateway = await GatewayHost.StartAsync(_redis, new Dictionary<string, string?> { ["Gateway:Token:HmacSecretKey"] = new string('k', 64) });
        await using var client = await ConnectedAsync(gateway, tokens.Connection("sam"));
        Assert.Equal(103, (await client.CommandAsync("subscribe", new { channel = "$room" }))["error"]!["code"]!.GetValue<int>());
        Assert.NotNull((await client.CommandAsync("subscribe", new { channel = "room" }))["subscribe"]);
        Assert.NotNull((await client.CommandAsync("subscribe", new { channel = "$room", token = tokens.Subscription("sam", "$room") }))["subscribe"]);

        await using var insecure = await GatewayHost.StartAsync(_redis, new Dictionary<string, string?> { ["Gateway:ClientInsecure"] = "true", ["Gateway:AllowInsecureOutsideDevelopment"] = "true" });
        await using var anyone = await ConnectedAsync(insecure);
        Assert.Equal(103, (await anyone.CommandAsync("subscribe", new { channel = "$room" }))["error"]!["code"]!.GetValue<int>());
    }

    [Fact]
    public async Task Insecure_mode_refuses_to_start_outside_development_without_the_second_switch()
    {
        var failure = await Assert.ThrowsAnyAsync<Microsoft.Extensions.Options.OptionsValidationException>(
            () => GatewayHost.StartAsync(_redis, new Dictionary<string, string?> { ["Gateway:ClientInsecure"] = "true" }));
        Assert.Contains("AllowInsecureOutsideDevelopment", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drain_fails_readiness_refuses_new_sockets_and_sends_3001_to_every_client()
    {
        var gateway = await GatewayHost.StartAsync(_redis, new Dictionary<string, string?> { ["Gateway:DrainDelay"] = "00:00:02", ["Gateway:DrainWindow"] = "00:00:02" });
        await using var a = await ConnectedAsync(gateway);
        await using var b = await ConnectedAsync(gateway);
        await using var c = await ConnectedAsync(gateway);
        using var http = new HttpClient { BaseAddress = gateway.Address };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode);

        var stopping = gateway.StopAsync();
        await Eventually.TrueAsync(async () => (await http.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode == HttpStatusCode.ServiceUnavailable,
            Timeout, "readiness to fail");
        var refused = await Assert.ThrowsAsync<System.Net.WebSockets.WebSocketException>(() => ProtocolTestClient.ConnectSocketAsync(gateway.WebSocket));
        Assert.Contains("503", refused.Message, StringComparison.Ordinal);

        Assert.Equal(3001, await a.WaitClosedAsync(Timeout));
        Assert.Equal(3001, await b.WaitClosedAsync(Timeout));
        Assert.Equal(3001, await c.WaitClosedAsync(Timeout));
        await stopping.WaitAsync(Timeout);
        await gateway.DisposeAsync();
    }

    [Fact]
    public async Task Tls_is_served_from_a_configured_certificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(1));
        var path = Path.Combine(Path.GetTempPath(), $"rt-tls-{Guid.NewGuid():N}.pfx");
        await File.WriteAllBytesAsync(path, certificate.Export(X509ContentType.Pfx, "test-password"));
        try
        {
            await using var gateway = await GatewayHost.StartAsync(_redis, new Dictionary<string, string?>
            {
                ["Kestrel:Endpoints:Main:Certificate:Path"] = path,
                ["Kestrel:Endpoints:Main:Certificate:Password"] = "test-password",
            }, https: true);
            string? presented = null;
            await using var client = await ProtocolTestClient.ConnectSocketAsync(gateway.WebSocket,
                certificateValidation: (_, cert, _, _) =>
                {
                    // Pinned: the self-signed certificate is trusted only because it is the one configured.
                    presented = cert?.GetCertHashString();
                    return presented == certificate.GetCertHashString();
                });
            Assert.NotNull((await client.CommandAsync("connect", new { }))["connect"]);
            Assert.Equal(certificate.GetCertHashString(), presented);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task<ProtocolTestClient> ConnectedAsync(GatewayHost gateway, string? token = null)
    {
        var client = await ProtocolTestClient.ConnectSocketAsync(gateway.WebSocket);
        var reply = await client.CommandAsync("connect", token is null ? new { } : new { token });
        Assert.True(reply["connect"] is not null, reply.ToJsonString());
        return client;
    }
}
