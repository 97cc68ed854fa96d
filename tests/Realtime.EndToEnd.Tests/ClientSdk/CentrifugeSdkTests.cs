using System.Text.Json.Nodes;

namespace Realtime.EndToEnd.Tests.ClientSdk;

/// <summary>
/// The official centrifuge SDK (npm, v5) against the system the AppHost started, unchanged; the
/// theories run the same scenario with the SDK's JSON build and with its Protobuf build, and
/// over its WebSocket, HTTP-streaming and SSE transports (the gateways' one address spreads the
/// stream and the emulation requests over both instances).
/// </summary>
[Collection(RealtimeAppCollection.Name)]
public sealed class CentrifugeSdkTests(RealtimeAppFixture fixture)
{
    private static string Channel(string prefix = "") => $"{prefix}sdk-{Guid.NewGuid():N}";

    private string[] Tokens(params string[] users) => [.. users.Select(user => fixture.Tokens.Connection(user))];

    [Theory]
    [InlineData("json", "websocket")]
    [InlineData("protobuf", "websocket")]
    [InlineData("json", "http_stream")]
    [InlineData("protobuf", "http_stream")]
    [InlineData("json", "sse")]
    public async Task Publish_on_one_gateway_instance_is_received_on_the_other(string format, string transport)
    {
        var channel = Channel("chat:");
        var result = await CentrifugeSdk.RunAsync("cross_node", fixture.WebSocketEndpoint, new { tokens = Tokens("alice", "bob"), channel }, format: format, transport: transport);

        Assert.Equal(2, result["nodes"]!.AsArray().Select(n => n!.GetValue<string>()).Distinct().Count());
        Assert.All(result["transports"]!.AsArray(), used => Assert.Equal(transport, used!.GetValue<string>()));
        var received = result["received"]!.AsArray();
        Assert.Equal([1, 2, 3], received.Select(p => p!["offset"]!.GetValue<int>()));
        Assert.Equal([1, 2, 3], received.Select(p => p!["data"]!["n"]!.GetValue<int>()));
    }

    [Theory]
    [InlineData("json", "websocket")]
    [InlineData("protobuf", "websocket")]
    [InlineData("json", "http_stream")]
    public async Task Presence_and_presence_stats_count_the_subscribers(string format, string transport)
    {
        var result = await CentrifugeSdk.RunAsync("presence", fixture.WebSocketEndpoint, new { tokens = Tokens("ann", "ben"), channel = Channel() }, format: format, transport: transport);

        Assert.Equal(2, result["stats"]!["numClients"]!.GetValue<int>());
        Assert.Equal(2, result["stats"]!["numUsers"]!.GetValue<int>());
        Assert.Equal(["ann", "ben"], result["clients"]!.AsArray().Select(u => u!.GetValue<string>()));
        Assert.Equal(1, result["afterUnsubscribe"]!["numClients"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("json", "websocket")]
    [InlineData("protobuf", "websocket")]
    [InlineData("json", "sse")]
    public async Task History_answers_limit_since_reverse_and_top(string format, string transport)
    {
        var result = await CentrifugeSdk.RunAsync("history", fixture.WebSocketEndpoint, new { tokens = Tokens("hal"), channel = Channel() }, format: format, transport: transport);

        Assert.Equal([1, 2, 3, 4, 5], Offsets(result["all"]));
        Assert.Equal([3, 4, 5], Offsets(result["since"]));
        Assert.Equal([5, 4], Offsets(result["reversed"]));
        Assert.Equal(5, result["top"]!.GetValue<int>());
        Assert.Equal(112, result["wrongEpoch"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("json", "websocket")]
    [InlineData("protobuf", "websocket")]
    [InlineData("json", "sse")]
    public async Task A_short_lived_connection_token_is_refreshed_without_a_disconnect(string format, string transport)
    {
        // The n-th token lives 3n s, as if fetched 3 s apart; over 7 s the SDK must refresh at least twice.
        var tokens = Enumerable.Range(1, 6).Select(i => fixture.Tokens.Connection("ref", TimeSpan.FromSeconds(3 * i))).ToArray();
        var result = await CentrifugeSdk.RunAsync("token_refresh", fixture.WebSocketEndpoint, new { tokens, holdMs = 7000 }, format: format, transport: transport);

        Assert.True(result["refreshCalls"]!.GetValue<int>() >= 2, $"refresh calls: {result["refreshCalls"]}");
        Assert.True(result["state"]!.GetValue<string>() == "connected", result.ToJsonString());
        Assert.Equal(0, result["disconnects"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("json", "websocket")]
    [InlineData("protobuf", "websocket")]
    [InlineData("json", "sse")]
    public async Task A_short_lived_subscription_token_is_refreshed_without_an_unsubscribe(string format, string transport)
    {
        // Tokens live 3 s from when the SDK fetches them; over 8 s the SDK must refresh at least twice.
        var channel = Channel("private:");
        var result = await CentrifugeSdk.RunAsync("sub_token_refresh", fixture.WebSocketEndpoint, new
        {
            connectionToken = fixture.Tokens.Connection("sue"),
            user = "sue",
            channel,
            secret = RealtimeAppFixture.TokenSecret,
            tokenSeconds = 3,
            holdMs = 8000,
        }, format: format, transport: transport);

        Assert.True(result["tokenCalls"]!.GetValue<int>() >= 3, $"token calls: {result["tokenCalls"]}");
        Assert.Equal("subscribed", result["state"]!.GetValue<string>());
        Assert.Equal(0, result["unsubscribes"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("json")]
    [InlineData("protobuf")]
    public async Task Rpc_goes_through_the_proxy_to_the_application_backend(string format)
    {
        var result = await CentrifugeSdk.RunAsync("rpc", fixture.WebSocketEndpoint, new { tokens = Tokens("rita") }, format: format);

        Assert.Equal("ping", result["data"]!["echo"]!["text"]!.GetValue<string>());
        Assert.Equal("rita", result["data"]!["user"]!.GetValue<string>());
        Assert.Equal(1000, result["failedCode"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("json", "websocket")]
    [InlineData("protobuf", "websocket")]
    public async Task Send_delivers_asynchronous_messages_to_the_application_backend_in_order(string format, string transport)
    {
        var tag = Guid.NewGuid().ToString("N");
        var result = await CentrifugeSdk.RunAsync("send", fixture.WebSocketEndpoint, new { tokens = Tokens("sam"), tag }, format: format, transport: transport);

        Assert.Equal("after", result["after"]!.GetValue<string>());
        var messages = fixture.Backend.Messages.Where(m => m["data"]?["tag"]?.GetValue<string>() == tag).ToList();
        Assert.Equal([1, 2], messages.Select(m => m["data"]!["n"]!.GetValue<int>()));
        Assert.All(messages, m => Assert.Equal("sam", m["user"]!.GetValue<string>()));
    }

    [Fact]
    public async Task After_a_server_disconnect_the_sdk_reconnects_and_resubscribes()
    {
        var result = await CentrifugeSdk.RunAsync("reconnect", fixture.WebSocketEndpoint, new { tokens = Tokens("ray"), channel = Channel(), flood = 50000 });

        Assert.Contains(3013, result["codes"]!.AsArray().Select(c => c!.GetValue<int>()));
        Assert.True(result["connects"]!.GetValue<int>() >= 2);
        Assert.Equal("subscribed", result["subscription"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("json", "websocket")]
    [InlineData("protobuf", "websocket")]
    [InlineData("json", "sse")]
    public async Task Refusals_carry_their_error_codes(string format, string transport)
    {
        var result = await CentrifugeSdk.RunAsync("errors", fixture.WebSocketEndpoint, new
        {
            tokens = Tokens("eve"),
            forbiddenChannel = Channel("private:"),
            unknownChannel = Channel("nosuchnamespace:"),
            subscriberOnlyChannel = Channel("chat:"),
        }, format: format, transport: transport);

        Assert.Equal(103, result["forbidden"]!.GetValue<int>());
        Assert.Equal(102, result["unknown"]!.GetValue<int>());
        Assert.Equal(103, result["publishForbidden"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("json")]
    [InlineData("protobuf")]
    public async Task Join_and_leave_reach_a_subscriber_that_asked_for_them(string format)
    {
        var result = await CentrifugeSdk.RunAsync("join_leave", fixture.WebSocketEndpoint, new { tokens = Tokens("watcher", "visitor"), channel = Channel() }, format: format);

        var events = result["events"]!.AsArray().Select(e => e!.GetValue<string>()).ToList();
        Assert.True(events.IndexOf("join:visitor") >= 0 && events.IndexOf("leave:visitor") > events.IndexOf("join:visitor"), string.Join(",", events));
    }

    [Theory]
    [InlineData("json", "websocket")]
    [InlineData("protobuf", "websocket")]
    [InlineData("protobuf", "http_stream")]
    [InlineData("json", "sse")]
    public async Task A_client_coming_back_recovers_exactly_what_it_missed(string format, string transport)
    {
        var result = await CentrifugeSdk.RunAsync("recovery", fixture.WebSocketEndpoint, new { tokens = Tokens("away", "pub"), channel = Channel("chat:") }, format: format, transport: transport);

        Assert.Equal([1, 2, 3, 4], Offsets(result["offsets"]));
        Assert.Equal([1, 2, 3, 4], Offsets(result["data"]));
        var resubscribed = result["subscribed"]!.AsArray().Last()!;
        Assert.True(resubscribed["recovered"]!.GetValue<bool>());
        Assert.True(resubscribed["wasRecovering"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("json", "websocket")]
    [InlineData("protobuf", "websocket")]
    [InlineData("json", "sse")]
    public async Task A_private_channel_needs_a_subscription_token_even_where_its_namespace_lets_clients_subscribe(string format, string transport)
    {
        // The chat namespace lets any client subscribe; with the private prefix it still takes a token.
        var channel = "$" + Channel("chat:");
        var result = await CentrifugeSdk.RunAsync("private_channel", fixture.WebSocketEndpoint, new
        {
            connectionToken = fixture.Tokens.Connection("priv"),
            channel,
            subscriptionToken = fixture.Tokens.Subscription("priv", channel, TimeSpan.FromMinutes(5)),
        }, format: format, transport: transport);

        Assert.Equal(103, result["denied"]!.GetValue<int>());
        Assert.Equal("subscribed", result["allowed"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("json", "websocket")]
    [InlineData("protobuf", "websocket")]
    [InlineData("json", "http_stream")]
    public async Task A_position_the_app_supplies_is_recovered_only_inside_the_window_with_the_channels_epoch(string format, string transport)
    {
        var result = await CentrifugeSdk.RunAsync("positions", fixture.WebSocketEndpoint, new { tokens = Tokens("pos", "reader"), channel = Channel("chat:") }, format: format, transport: transport);

        var inWindow = result["inWindow"]!;
        Assert.Equal([2, 3, 4], Offsets(inWindow["offsets"]));
        Assert.True(inWindow["subscribed"]!["recovered"]!.GetValue<bool>());
        Assert.True(inWindow["subscribed"]!["wasRecovering"]!.GetValue<bool>());
        Assert.True(inWindow["subscribed"]!["positioned"]!.GetValue<bool>());

        // Another epoch: told it was not recovered, given nothing old, live from the current position.
        var otherEpoch = result["otherEpoch"]!;
        Assert.Equal([4], Offsets(otherEpoch["offsets"]));
        Assert.False(otherEpoch["subscribed"]!["recovered"]!.GetValue<bool>());
        Assert.True(otherEpoch["subscribed"]!["wasRecovering"]!.GetValue<bool>());
        Assert.Equal(3, otherEpoch["subscribed"]!["offset"]!.GetValue<int>());
        Assert.Equal(result["epoch"]!.GetValue<string>(), otherEpoch["subscribed"]!["epoch"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("json")]
    [InlineData("protobuf")]
    public async Task A_delta_subscriber_gets_every_payload_byte_for_byte_mostly_as_fossil_deltas(string format)
    {
        var result = await CentrifugeSdk.RunAsync("delta", fixture.WebSocketEndpoint, new { tokens = Tokens("reader", "writer"), channel = Channel("chat:") }, format: format);

        Assert.Empty(result["wrong"]!.AsArray());
        var stats = result["stats"]!;
        Assert.Equal(10, stats["numPublications"]!.GetValue<int>());
        // 1 (first), 6 and 7 (recovered) and 8 (first live after the resubscribe) are full; the rest deltas.
        Assert.True(stats["numDeltaPayloads"]!.GetValue<int>() >= 5, stats.ToJsonString());
        Assert.True(stats["bytesReceived"]!.GetValue<int>() < stats["bytesDecoded"]!.GetValue<int>() / 2, stats.ToJsonString());
        Assert.True(result["subscribed"]!.AsArray().Last()!["recovered"]!.GetValue<bool>());
    }

    private static int[] Offsets(JsonNode? array) => [.. array!.AsArray().Select(n => n!.GetValue<int>())];
}
