using Realtime.Testing;

namespace Realtime.Gateway.Tests;

/// <summary>
/// Anonymous clients get only what a namespace grants anonymous users (Centrifugo's
/// <c>*_for_anonymous</c>), and a user-limited channel only the users it names.
/// </summary>
public sealed class AnonymousAndUserLimitedAccessTests : IAsyncLifetime
{
    private const string Secret = "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk";
    private readonly TestTokens _tokens = new(Secret);
    private RedisServer _redis = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _gateway = await GatewayHost.StartAsync(_redis, new Dictionary<string, string?>
        {
            ["Gateway:Token:HmacSecretKey"] = Secret,
            ["Channels:Default:AllowSubscribeForAnonymous"] = "false",
            ["Channels:Default:AllowPublishForAnonymous"] = "false",
            ["Channels:Namespaces:open:AllowSubscribeForClient"] = "true",
            ["Channels:Namespaces:open:AllowSubscribeForAnonymous"] = "true",
            ["Channels:Namespaces:open:AllowPublishForSubscriber"] = "true",
            ["Channels:Namespaces:open:Presence"] = "true",
            ["Channels:Namespaces:open:AllowPresenceForSubscriber"] = "true",
            ["Channels:Namespaces:dialog:AllowUserLimitedChannels"] = "true",
            ["Channels:Namespaces:dialog:AllowSubscribeForClient"] = "true",
            ["Channels:Namespaces:dialog:AllowSubscribeForAnonymous"] = "true",
        });
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task An_anonymous_client_may_not_subscribe_where_only_clients_may()
    {
        await using var anonymous = await ConnectedAsync(null);
        await using var ann = await ConnectedAsync(_tokens.Connection("ann"));
        Assert.Equal(103, ErrorCode(await anonymous.CommandAsync("subscribe", new { channel = "room" })));
        Assert.Null((await ann.CommandAsync("subscribe", new { channel = "room" }))["error"]);
    }

    [Fact]
    public async Task An_anonymous_subscriber_may_not_publish_or_ask_presence_without_the_anonymous_permissions()
    {
        await using var anonymous = await ConnectedAsync(null);
        Assert.Null((await anonymous.CommandAsync("subscribe", new { channel = "open:room" }))["error"]);
        Assert.Equal(103, ErrorCode(await anonymous.CommandAsync("publish", new { channel = "open:room", data = new { } })));
        Assert.Equal(103, ErrorCode(await anonymous.CommandAsync("presence", new { channel = "open:room" })));

        await using var ann = await ConnectedAsync(_tokens.Connection("ann"));
        Assert.Null((await ann.CommandAsync("subscribe", new { channel = "open:room" }))["error"]);
        // Allowed: with no presence service here the answer is 100, after the HTTP client's retries
        // (about 10 s), so the reply gets more than the default wait.
        Assert.NotEqual(103, ErrorCode(await ann.CommandAsync("presence", new { channel = "open:room" }, TimeSpan.FromSeconds(60))));
    }

    [Fact]
    public async Task A_user_limited_channel_is_open_only_to_the_users_it_names_whatever_else_the_namespace_allows()
    {
        await using var ann = await ConnectedAsync(_tokens.Connection("ann"));
        await using var bob = await ConnectedAsync(_tokens.Connection("bob"));
        await using var anonymous = await ConnectedAsync(null);
        Assert.Null((await ann.CommandAsync("subscribe", new { channel = "dialog:x#ann,cid" }))["error"]);
        Assert.Equal(103, ErrorCode(await bob.CommandAsync("subscribe", new { channel = "dialog:x#ann,cid" })));
        Assert.Equal(103, ErrorCode(await anonymous.CommandAsync("subscribe", new { channel = "dialog:x#ann,cid" })));
        Assert.Null((await bob.CommandAsync("subscribe", new { channel = "dialog:lobby" }))["error"]);
    }

    private async Task<ProtocolTestClient> ConnectedAsync(string? token)
    {
        var client = await ProtocolTestClient.ConnectSocketAsync(_gateway.WebSocket);
        var reply = await client.CommandAsync("connect", token is null ? new { } : new { token });
        Assert.True(reply["connect"] is not null, reply.ToJsonString());
        return client;
    }

    private static int? ErrorCode(System.Text.Json.Nodes.JsonObject reply) => reply["error"]?["code"]?.GetValue<int>();
}
