using System.Text.Json.Nodes;
using Realtime.Testing;

namespace Realtime.Gateway.Tests;

/// <summary>Centrifugo-style HTTP proxies to the application backend: connect, refresh, subscribe, publish, sub-refresh, RPC.</summary>
public sealed class ProxyTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private RedisServer _redis = null!;
    private ProxyBackend _backend = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _backend = await ProxyBackend.StartAsync();
        _gateway = await GatewayHost.StartAsync(_redis, new Dictionary<string, string?>
        {
            ["Gateway:AllowAnonymous"] = "false",
            ["Gateway:Proxy:ConnectEndpoint"] = _backend.Endpoint("connect").ToString(),
            ["Gateway:Proxy:RefreshEndpoint"] = _backend.Endpoint("refresh").ToString(),
            ["Gateway:Proxy:SubscribeEndpoint"] = _backend.Endpoint("subscribe").ToString(),
            ["Gateway:Proxy:PublishEndpoint"] = _backend.Endpoint("publish").ToString(),
            ["Gateway:Proxy:SubRefreshEndpoint"] = _backend.Endpoint("sub_refresh").ToString(),
            ["Gateway:Proxy:RpcEndpoint"] = _backend.Endpoint("rpc").ToString(),
            ["Gateway:Proxy:SendEndpoint"] = _backend.Endpoint("send").ToString(),
            ["Gateway:Proxy:HttpHeaders:0"] = "X-Session",
            ["Gateway:Proxy:Timeout"] = "00:00:05",
            ["Channels:Namespaces:app:ProxySubscribe"] = "true",
            ["Channels:Namespaces:app:ProxyPublish"] = "true",
            ["Channels:Namespaces:app:ProxySubRefresh"] = "true",
        });
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _backend.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Connect_proxy_decides_who_the_client_is()
    {
        _backend.Answer("connect", body => Result(new JsonObject { ["user"] = "u-" + body["data"]!["name"], ["info"] = new JsonObject { ["plan"] = "pro" }, ["data"] = new JsonObject { ["welcome"] = true } }));
        await using var client = await ProtocolTestClient.ConnectSocketAsync(_gateway.WebSocket);
        var reply = await client.CommandAsync("connect", new { data = new { name = "ann" }, name = "test-sdk" });

        Assert.True(reply["connect"]!["data"]!["welcome"]!.GetValue<bool>());
        var call = _backend.Calls.Single(c => c.Route == "connect").Body;
        Assert.Equal("websocket", call["transport"]!.GetValue<string>());
        Assert.Equal("json", call["protocol"]!.GetValue<string>());
        Assert.Equal("test-sdk", call["name"]!.GetValue<string>());
        Assert.Equal(reply["connect"]!["client"]!.GetValue<string>(), call["client"]!.GetValue<string>());
    }

    [Fact]
    public async Task Connect_proxy_refusals_become_errors_or_disconnects()
    {
        _backend.Answer("connect", body => body["data"]!["mode"]!.GetValue<string>() == "error"
            ? new JsonObject { ["error"] = new JsonObject { ["code"] = 1001, ["message"] = "banned" } }
            : new JsonObject { ["disconnect"] = new JsonObject { ["code"] = 4501, ["reason"] = "go away" } });

        await using var refused = await ProtocolTestClient.ConnectSocketAsync(_gateway.WebSocket);
        var reply = await refused.CommandAsync("connect", new { data = new { mode = "error" } });
        Assert.Equal(1001, reply["error"]!["code"]!.GetValue<int>());

        await using var disconnected = await ProtocolTestClient.ConnectSocketAsync(_gateway.WebSocket);
        await disconnected.SendRawAsync("""{"id":1,"connect":{"data":{"mode":"disconnect"}}}""");
        Assert.Equal(4501, await disconnected.WaitClosedAsync(Timeout));
    }

    [Fact]
    public async Task A_proxy_disconnect_with_a_reserved_code_is_refused_and_a_long_reason_is_cut_to_a_valid_close_frame()
    {
        var longReason = string.Concat(Enumerable.Repeat("é", 200)); // 400 bytes of UTF-8
        _backend.Answer("connect", body => body["data"]!["mode"]!.GetValue<string>() == "reserved"
            ? new JsonObject { ["disconnect"] = new JsonObject { ["code"] = 1006, ["reason"] = "abnormal" } }
            : new JsonObject { ["disconnect"] = new JsonObject { ["code"] = 4502, ["reason"] = longReason } });

        await using var reserved = await ProtocolTestClient.ConnectSocketAsync(_gateway.WebSocket);
        var reply = await reserved.CommandAsync("connect", new { data = new { mode = "reserved" } });
        Assert.Equal(100, reply["error"]!["code"]!.GetValue<int>()); // the backend's bug, answered as internal

        await using var longWinded = await ProtocolTestClient.ConnectSocketAsync(_gateway.WebSocket);
        await longWinded.SendRawAsync("""{"id":1,"connect":{"data":{"mode":"long"}}}""");
        Assert.Equal(4502, await longWinded.WaitClosedAsync(Timeout));
        Assert.Equal(string.Concat(Enumerable.Repeat("é", 61)), longWinded.CloseDescription); // 122 bytes: no half character
    }

    [Fact]
    public async Task A_proxy_b64info_that_is_not_one_json_value_is_refused_as_an_internal_error()
    {
        var fragment = Convert.ToBase64String("""1,"user":"admin" """u8.ToArray());
        _backend.Answer("connect", _ => Result(new JsonObject { ["user"] = "b64", ["b64info"] = fragment }));

        await using var client = await ProtocolTestClient.ConnectSocketAsync(_gateway.WebSocket);
        var reply = await client.CommandAsync("connect", new { });
        Assert.Equal(100, reply["error"]!["code"]!.GetValue<int>());
    }

    [Fact]
    public async Task Refresh_proxy_extends_the_connection()
    {
        var expiresAt = DateTimeOffset.UtcNow.AddSeconds(30).ToUnixTimeSeconds();
        _backend.Answer("connect", _ => Result(new JsonObject { ["user"] = "ref", ["expire_at"] = expiresAt }));
        _backend.Answer("refresh", _ => Result(new JsonObject { ["expire_at"] = expiresAt + 60 }));
        await using var client = await ProtocolTestClient.ConnectSocketAsync(_gateway.WebSocket);
        var connect = await client.CommandAsync("connect", new { });
        Assert.True(connect["connect"]!["expires"]!.GetValue<bool>());
        var ttl = connect["connect"]!["ttl"]!.GetValue<int>();

        var refresh = await client.CommandAsync("refresh", new { });
        Assert.True(refresh["refresh"]!["ttl"]!.GetValue<int>() > ttl);
        Assert.Equal("ref", _backend.Calls.Last(c => c.Route == "refresh").Body["user"]!.GetValue<string>());
    }

    [Fact]
    public async Task Subscribe_and_publish_proxies_decide_and_may_rewrite()
    {
        _backend.Answer("connect", _ => Result(new JsonObject { ["user"] = "pub" }));
        _backend.Answer("subscribe", body => body["channel"]!.GetValue<string>() == "app:closed"
            ? new JsonObject { ["error"] = new JsonObject { ["code"] = 103, ["message"] = "permission denied" } }
            : Result(new JsonObject { ["info"] = new JsonObject { ["role"] = "mod" } }));
        _backend.Answer("publish", body => Result(new JsonObject { ["data"] = new JsonObject { ["text"] = body["data"]!["text"]!.GetValue<string>().ToUpperInvariant() } }));
        await using var client = await ProtocolTestClient.ConnectSocketAsync(_gateway.WebSocket);
        await client.CommandAsync("connect", new { });

        Assert.Equal(103, (await client.CommandAsync("subscribe", new { channel = "app:closed" }))["error"]!["code"]!.GetValue<int>());
        Assert.Null((await client.CommandAsync("subscribe", new { channel = "app:open" }))["error"]);
        Assert.Null((await client.CommandAsync("publish", new { channel = "app:open", data = new { text = "quiet" } }))["error"]);
        Assert.Equal("pub", _backend.Calls.Last(c => c.Route == "publish").Body["user"]!.GetValue<string>());

        // What went into the publication log is the backend's rewrite.
        await using var redis = await _redis.ConnectAsync();
        var stream = Realtime.Messaging.RedisStreams.RedisStreamKeys.Partition(Realtime.Messaging.Log.LogTopics.Publications,
            Realtime.Messaging.RedisStreams.RedisStreamKeys.PartitionOf("app:open", new Realtime.Messaging.Log.MessagingOptions().RedisStreamPartitions));
        var logged = await redis.GetDatabase().StreamRangeAsync(stream);
        var publication = Realtime.Messaging.Publications.PublicationCodec.Decode((byte[])logged.Last().Values.Single(v => v.Name == "p").Value!);
        Assert.Equal("{\"text\":\"QUIET\"}", publication.Data.ToString());
        Assert.Equal(["app:closed", "app:open"], _backend.Calls.Where(c => c.Route == "subscribe").Select(c => c.Body["channel"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Rpc_proxy_answers_and_passes_configured_headers()
    {
        _backend.Answer("connect", _ => Result(new JsonObject { ["user"] = "rpc" }));
        _backend.Answer("rpc", body => Result(new JsonObject { ["data"] = new JsonObject { ["sum"] = body["data"]!["a"]!.GetValue<int>() + body["data"]!["b"]!.GetValue<int>() } }));
        var socket = new System.Net.WebSockets.ClientWebSocket();
        socket.Options.SetRequestHeader("X-Session", "s-42");
        socket.Options.SetRequestHeader("X-Not-Forwarded", "secret");
        await socket.ConnectAsync(_gateway.WebSocket, CancellationToken.None);
        await Send(socket, """{"id":1,"connect":{}}""");
        await Send(socket, """{"id":2,"rpc":{"method":"add","data":{"a":2,"b":3}}}""");
        await Eventually.TrueAsync(() => Task.FromResult(_backend.Calls.Any(c => c.Route == "rpc")), Timeout, "the rpc call");

        var call = _backend.Calls.Single(c => c.Route == "rpc").Body;
        Assert.Equal("add", call["method"]!.GetValue<string>());
        Assert.Equal("s-42", call["headers"]!["X-Session"]!.GetValue<string>());
        Assert.Null(call["headers"]!["X-Not-Forwarded"]);
        socket.Abort();
    }

    [Fact]
    public async Task Send_proxy_receives_asynchronous_messages_in_order_and_may_disconnect()
    {
        _backend.Answer("connect", _ => Result(new JsonObject { ["user"] = "sender" }));
        _backend.Answer("send", body => body["data"]!["n"]!.GetValue<int>() == 3
            ? new JsonObject { ["disconnect"] = new JsonObject { ["code"] = 4000, ["reason"] = "enough" } }
            : Result(new JsonObject()));
        await using var client = await ProtocolTestClient.ConnectSocketAsync(_gateway.WebSocket);
        Assert.NotNull((await client.CommandAsync("connect", new { }))["connect"]);

        // Messages have no id and get no reply; they arrive at the backend in the order sent.
        await client.SendRawAsync("{\"send\":{\"data\":{\"n\":1}}}\n{\"send\":{\"data\":{\"n\":2}}}");
        await client.SendRawAsync("{\"send\":{\"data\":{\"n\":3}}}");
        Assert.Equal(4000, await client.WaitClosedAsync(Timeout));

        var sent = _backend.Calls.Where(c => c.Route == "send").Select(c => c.Body).ToList();
        Assert.Equal([1, 2, 3], sent.Select(b => b["data"]!["n"]!.GetValue<int>()));
        Assert.All(sent, b => Assert.Equal("sender", b["user"]!.GetValue<string>()));
        Assert.Equal(1, client.Seen(_ => true)); // the connect reply only
    }

    private static async Task Send(System.Net.WebSockets.ClientWebSocket socket, string text) =>
        await socket.SendAsync(System.Text.Encoding.UTF8.GetBytes(text), System.Net.WebSockets.WebSocketMessageType.Text, true, CancellationToken.None);

    private static JsonObject Result(JsonObject result) => new() { ["result"] = result };
}
