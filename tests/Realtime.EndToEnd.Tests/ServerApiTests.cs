using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Aspire.Hosting.Testing;
using Realtime.Testing;

namespace Realtime.EndToEnd.Tests;

/// <summary>The Centrifugo-compatible server API (fanout) against the running system.</summary>
[Collection(RealtimeAppCollection.Name)]
public sealed class ServerApiTests(RealtimeAppFixture fixture) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly HttpClient _api = CreateApi(fixture);

    private static HttpClient CreateApi(RealtimeAppFixture fixture)
    {
        var client = fixture.App.CreateHttpClient("fanout", "http");
        client.DefaultRequestHeaders.Add("X-API-Key", RealtimeAppFixture.ApiKey);
        return client;
    }

    public void Dispose() => _api.Dispose();

    [Fact]
    public async Task Calls_without_the_key_are_refused_and_both_key_headers_work()
    {
        using var anonymous = fixture.App.CreateHttpClient("fanout", "http");
        var refused = await anonymous.PostAsJsonAsync("/api/info", new { });
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        // Refusals are counted for the operators (a guessing attack shows as a rising counter).
        await Eventually.TrueAsync(async () => (await anonymous.GetStringAsync("/metrics")).Contains("realtime_server_api_unauthorized", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30), "the unauthorized counter on /metrics");

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/info") { Content = JsonContent.Create(new { }) };
        request.Headers.TryAddWithoutValidation("Authorization", "apikey " + RealtimeAppFixture.ApiKey);
        var accepted = await anonymous.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task A_b64data_that_is_not_one_json_value_is_refused_so_it_cannot_rewrite_the_publication()
    {
        var channel = $"chat:api-{Guid.NewGuid():N}";
        var fragment = Convert.ToBase64String("""1,"channel":"chat:elsewhere" """u8.ToArray());
        var reply = await CallAsync("publish", new { channel, b64data = fragment });
        Assert.Equal(107, reply["error"]!["code"]!.GetValue<int>());

        var json = Convert.ToBase64String("""{"text":"fine"}"""u8.ToArray());
        Assert.Null((await CallAsync("publish", new { channel, b64data = json }))["error"]);
    }

    [Fact]
    public async Task Publish_reaches_subscribers_and_reports_its_offset()
    {
        var channel = $"chat:api-{Guid.NewGuid():N}";
        await using var client = await SubscribedClientAsync("reader", channel);

        var first = await CallAsync("publish", new { channel, data = new { text = "from the backend" } });
        var second = await CallAsync("publish", new { channel, data = new { text = "again" } });

        Assert.Equal(1, first["result"]!["offset"]!.GetValue<int>());
        Assert.Equal(2, second["result"]!["offset"]!.GetValue<int>());
        var push = await client.NextPublicationAsync(channel, Timeout);
        Assert.Equal("from the backend", push["push"]!["pub"]!["data"]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Publish_with_an_idempotency_key_is_delivered_once()
    {
        var channel = $"chat:idem-{Guid.NewGuid():N}";
        await using var client = await SubscribedClientAsync("reader", channel);
        var key = Guid.NewGuid().ToString();

        await CallAsync("publish", new { channel, data = new { n = 1 }, idempotency_key = key });
        await CallAsync("publish", new { channel, data = new { n = 1 }, idempotency_key = key });
        await CallAsync("publish", new { channel, data = new { n = 2 } });

        var first = await client.NextPublicationAsync(channel, Timeout);
        var next = await client.NextPublicationAsync(channel, Timeout);
        Assert.Equal(1, first["push"]!["pub"]!["data"]!["n"]!.GetValue<int>());
        Assert.Equal(2, next["push"]!["pub"]!["data"]!["n"]!.GetValue<int>());
        Assert.Equal(2, next["push"]!["pub"]!["offset"]!.GetValue<int>());
    }

    [Fact]
    public async Task Broadcast_answers_each_channel()
    {
        var response = await CallAsync("broadcast", new { channels = new[] { "chat:b1", "nosuchnamespace:x" }, data = new { hello = true } });
        var responses = response["result"]!["responses"]!.AsArray();
        Assert.NotNull(responses[0]!["result"]);
        Assert.Equal(102, responses[1]!["error"]!["code"]!.GetValue<int>());
    }

    [Fact]
    public async Task Subscribe_unsubscribe_refresh_send_and_disconnect_reach_the_users_connections()
    {
        var user = $"user-{Guid.NewGuid():N}";
        var channel = $"chat:served-{Guid.NewGuid():N}";
        await using var client = await ProtocolTestClient.ConnectSocketAsync(fixture.WebSocketEndpoint);
        await client.CommandAsync("connect", new { token = fixture.Tokens.Connection(user) });

        await CallAsync("subscribe", new { user, channel });
        var subscribed = await client.NextAsync(m => m["push"]?["subscribe"] is not null, Timeout, "a subscribe push");
        Assert.Equal(channel, subscribed["push"]!["channel"]!.GetValue<string>());
        await CallAsync("publish", new { channel, data = new { n = 1 } });
        await client.NextPublicationAsync(channel, Timeout);

        await CallAsync("unsubscribe", new { user, channel });
        var unsubscribed = await client.NextAsync(m => m["push"]?["unsubscribe"] is not null, Timeout, "an unsubscribe push");
        Assert.Equal(2000, unsubscribed["push"]!["unsubscribe"]!["code"]!.GetValue<int>());

        await CallAsync("refresh", new { user, expire_at = DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds() });
        var refreshed = await client.NextAsync(m => m["push"]?["refresh"] is not null, Timeout, "a refresh push");
        Assert.True(refreshed["push"]!["refresh"]!["expires"]!.GetValue<bool>());

        await CallAsync("send", new { user, data = new { note = "just for you" } });
        var message = await client.NextAsync(m => m["push"]?["message"] is not null, Timeout, "a message push");
        Assert.Equal("just for you", message["push"]!["message"]!["data"]!["note"]!.GetValue<string>());

        await CallAsync("disconnect", new { user, disconnect = new { code = 4000, reason = "bye" } });
        Assert.Equal(4000, await client.WaitClosedAsync(Timeout));
    }

    [Fact]
    public async Task Presence_history_channels_and_info()
    {
        var channel = $"chat:api-q-{Guid.NewGuid():N}";
        await using var client = await SubscribedClientAsync("asker", channel);
        await CallAsync("publish", new { channel, data = new { n = 1 } });
        await CallAsync("publish", new { channel, data = new { n = 2 } });

        await Eventually.TrueAsync(async () => (await CallAsync("presence_stats", new { channel }))["result"]!["num_clients"]!.GetValue<int>() == 1, Timeout, "presence");
        var presence = await CallAsync("presence", new { channel });
        Assert.Equal("asker", presence["result"]!["presence"]!.AsObject().Single().Value!["user"]!.GetValue<string>());

        var history = await Eventually.ReturnsAsync(() => CallAsync("history", new { channel, limit = 10 }), h => h["result"]!["publications"]!.AsArray().Count == 2, Timeout, "history");
        Assert.Equal([1, 2], history["result"]!["publications"]!.AsArray().Select(p => p!["data"]!["n"]!.GetValue<int>()));
        Assert.Equal(112, (await CallAsync("history", new { channel, limit = 10, since = new { offset = 1, epoch = "wrong" } }))["error"]!["code"]!.GetValue<int>());

        var channels = await CallAsync("channels", new { pattern = "chat:api-q-*" });
        Assert.True(channels["result"]!["channels"]!.AsObject().ContainsKey(channel), channels.ToJsonString());

        var info = await Eventually.ReturnsAsync(() => CallAsync("info", new { }), i => i["result"]!["nodes"]!.AsArray().Count == 2, Timeout, "both gateway nodes in info");
        Assert.All(info["result"]!["nodes"]!.AsArray(), node => Assert.False(string.IsNullOrEmpty(node!["name"]!.GetValue<string>())));

        await CallAsync("history_remove", new { channel });
        Assert.Empty((await CallAsync("history", new { channel, limit = 10 }))["result"]!["publications"]?.AsArray() ?? []);
        var next = await CallAsync("publish", new { channel, data = new { n = 3 } });
        Assert.Equal(3, next["result"]!["offset"]!.GetValue<int>());
    }

    [Fact]
    public async Task Unknown_methods_and_bad_bodies_get_errors()
    {
        Assert.Equal(104, (await CallAsync("teleport", new { }))["error"]!["code"]!.GetValue<int>());
        Assert.Equal(107, (await CallAsync("publish", new { data = new { } }))["error"]!["code"]!.GetValue<int>());
        Assert.Equal(102, (await CallAsync("publish", new { channel = "nosuchnamespace:x", data = new { } }))["error"]!["code"]!.GetValue<int>());
    }

    private async Task<JsonObject> CallAsync(string method, object body)
    {
        var response = await _api.PostAsJsonAsync($"/api/{method}", body);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private async Task<ProtocolTestClient> SubscribedClientAsync(string user, string channel)
    {
        var client = await ProtocolTestClient.ConnectSocketAsync(fixture.WebSocketEndpoint);
        await client.CommandAsync("connect", new { token = fixture.Tokens.Connection(user) });
        Assert.Null((await client.CommandAsync("subscribe", new { channel }))["error"]);
        return client;
    }
}
