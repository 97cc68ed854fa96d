using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Aspire.Hosting.Testing;
using Realtime.Testing;

namespace Realtime.EndToEnd.Tests;

/// <summary>
/// Hostile or broken clients get their documented code, and a neighbouring client on the same
/// system keeps publishing and receiving as if nothing happened.
/// </summary>
[Collection(RealtimeAppCollection.Name)]
public sealed class BadInputTests(RealtimeAppFixture fixture) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly string _neighbourChannel = $"chat:neighbour-{Guid.NewGuid():N}";
    private ProtocolTestClient _neighbour = null!;
    private int _neighbourMessages;

    public async Task InitializeAsync()
    {
        _neighbour = await ConnectedClientAsync(fixture.Tokens.Connection("neighbour"));
        Assert.Null((await _neighbour.CommandAsync("subscribe", new { channel = _neighbourChannel }))["error"]);
    }

    public async Task DisposeAsync()
    {
        await NeighbourIsUnaffectedAsync();
        await _neighbour.DisposeAsync();
    }

    [Fact]
    public async Task History_and_recovery_replies_stay_within_their_byte_budget_and_the_client_is_not_cut_off_as_slow()
    {
        var channel = $"chat:large-{Guid.NewGuid():N}";
        using var api = fixture.App.CreateHttpClient("fanout", "http");
        api.DefaultRequestHeaders.Add("X-API-Key", RealtimeAppFixture.ApiKey);
        async Task<JsonNode> CallAsync(string method, object body) =>
            (await (await api.PostAsJsonAsync($"/api/{method}", body)).Content.ReadFromJsonAsync<JsonObject>())!;

        var text = new string('x', 60 * 1024);
        for (var i = 0; i < 12; i++) // 720 KiB: more than a reply may carry (half of the fixture's 256 KiB queue)
        {
            Assert.Null((await CallAsync("publish", new { channel, data = new { i, text } }))["error"]);
        }

        // All twelve in the channel's stream (acknowledged means logged; sequencing follows).
        await Eventually.TrueAsync(async () => (await CallAsync("history", new { channel, limit = 0 }))["result"]?["offset"]?.GetValue<int>() == 12,
            Timeout, "the twelve publications sequenced");

        await using var reader = await ConnectedClientAsync(fixture.Tokens.Connection("reader"));
        var recovering = (await reader.CommandAsync("subscribe", new { channel, recoverable = true, recover = true, offset = 0, epoch = "" }))["subscribe"]!;
        Assert.True(recovering["was_recovering"]!.GetValue<bool>());
        Assert.True(recovering["recovered"] is null, $"recovered {recovering["publications"]?.AsArray().Count} publications, offset {recovering["offset"]}");
        Assert.Equal(12, recovering["offset"]!.GetValue<int>());

        var history = (await reader.CommandAsync("history", new { channel, limit = -1 }))["history"]!;
        var count = history["publications"]!.AsArray().Count;
        Assert.InRange(count, 1, 11);
        Assert.NotNull((await reader.CommandAsync("ping", new { }))["ping"]);
    }

    [Fact]
    public async Task Malformed_json_closes_with_3501()
    {
        await using var bad = await ConnectedClientAsync(fixture.Tokens.Connection("bad"));
        await bad.SendRawAsync("{\"id\":2,\"subscribe\":{\"channel\":");
        Assert.Equal(3501, await bad.WaitClosedAsync(Timeout));
    }

    [Fact]
    public async Task Unknown_fields_close_with_3501()
    {
        await using var bad = await ConnectedClientAsync(fixture.Tokens.Connection("bad"));
        await bad.SendRawAsync("""{"id":2,"subscribe":{"channel":"chat:x","sneaky":true}}""");
        Assert.Equal(3501, await bad.WaitClosedAsync(Timeout));
    }

    [Fact]
    public async Task Commands_before_connect_close_with_3501()
    {
        await using var bad = await ProtocolTestClient.ConnectSocketAsync(fixture.WebSocketEndpoint);
        await bad.SendRawAsync("""{"id":1,"subscribe":{"channel":"chat:x"}}""");
        Assert.Equal(3501, await bad.WaitClosedAsync(Timeout));
    }

    [Fact]
    public async Task Unknown_method_is_answered_with_104_and_the_connection_stays()
    {
        await using var client = await ConnectedClientAsync(fixture.Tokens.Connection("curious"));
        var reply = await client.CommandAsync("teleport", new { to = "mars" });
        Assert.Equal(104, ErrorCode(reply));
        Assert.NotNull((await client.CommandAsync("ping", new { }))["ping"]);
    }

    [Fact]
    public async Task Oversize_frame_closes_with_3510()
    {
        await using var bad = await ConnectedClientAsync(fixture.Tokens.Connection("big"));
        var huge = new string('x', 70 * 1024);
        await bad.SendRawAsync($"{{\"id\":2,\"publish\":{{\"channel\":\"{_neighbourChannel}\",\"data\":\"{huge}\"}}}}");
        Assert.Equal(3510, await bad.WaitClosedAsync(Timeout));
    }

    [Fact]
    public async Task Forged_token_closes_with_3500()
    {
        var forged = new TestTokens("a-different-secret-of-the-same-length-0123456789-abcdefghijklmnop").Connection("mallory");
        await using var bad = await ProtocolTestClient.ConnectSocketAsync(fixture.WebSocketEndpoint);
        await bad.SendRawAsync($$$"""{"id":1,"connect":{"token":"{{{forged}}}"}}""");
        Assert.Equal(3500, await bad.WaitClosedAsync(Timeout));
    }

    [Fact]
    public async Task Token_with_alg_none_closes_with_3500()
    {
        static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var unsigned = $"{B64("""{"alg":"none","typ":"JWT"}""")}.{B64("""{"sub":"mallory"}""")}.";
        await using var bad = await ProtocolTestClient.ConnectSocketAsync(fixture.WebSocketEndpoint);
        await bad.SendRawAsync($$$"""{"id":1,"connect":{"token":"{{{unsigned}}}"}}""");
        Assert.Equal(3500, await bad.WaitClosedAsync(Timeout));
    }

    [Fact]
    public async Task Token_signed_with_another_algorithm_closes_with_3500()
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var handler = new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler();
        var token = handler.CreateToken(new Microsoft.IdentityModel.Tokens.SecurityTokenDescriptor
        {
            Claims = new Dictionary<string, object> { ["sub"] = "mallory" },
            SigningCredentials = new(new Microsoft.IdentityModel.Tokens.RsaSecurityKey(rsa), "RS256"),
        });
        await using var bad = await ProtocolTestClient.ConnectSocketAsync(fixture.WebSocketEndpoint);
        await bad.SendRawAsync($$$"""{"id":1,"connect":{"token":"{{{token}}}"}}""");
        Assert.Equal(3500, await bad.WaitClosedAsync(Timeout));
    }

    [Fact]
    public async Task Expired_token_is_answered_with_109()
    {
        var expired = fixture.Tokens.Connection("late", TimeSpan.FromMinutes(-5));
        await using var client = await ProtocolTestClient.ConnectSocketAsync(fixture.WebSocketEndpoint);
        var reply = await client.CommandAsync("connect", new { token = expired });
        Assert.Equal(109, ErrorCode(reply));
    }

    [Fact]
    public async Task Forbidden_and_unknown_channels_are_refused()
    {
        await using var client = await ConnectedClientAsync(fixture.Tokens.Connection("nosy"));
        Assert.Equal(103, ErrorCode(await client.CommandAsync("subscribe", new { channel = "private:secrets" })));
        Assert.Equal(102, ErrorCode(await client.CommandAsync("subscribe", new { channel = "nosuchnamespace:x" })));
        Assert.Equal(103, ErrorCode(await client.CommandAsync("publish", new { channel = "chat:not-subscribed", data = new { x = 1 } })));
        Assert.Equal(103, ErrorCode(await client.CommandAsync("presence", new { channel = "chat:not-subscribed" })));
        Assert.Equal(103, ErrorCode(await client.CommandAsync("subscribe", new { channel = "private:secrets", token = fixture.Tokens.Subscription("someone-else", "private:secrets") })));
        Assert.Equal(109, ErrorCode(await client.CommandAsync("subscribe", new { channel = "private:secrets", token = fixture.Tokens.Subscription("nosy", "private:secrets", TimeSpan.FromMinutes(-5)) })));
    }

    [Fact]
    public async Task A_valid_subscription_token_opens_a_private_channel()
    {
        await using var client = await ConnectedClientAsync(fixture.Tokens.Connection("member"));
        var reply = await client.CommandAsync("subscribe", new { channel = "private:club", token = fixture.Tokens.Subscription("member", "private:club") });
        Assert.Null(reply["error"]);
    }

    [Fact]
    public async Task A_flood_gets_111_then_3013()
    {
        await using var bad = await ConnectedClientAsync(fixture.Tokens.Connection("flooder"));
        // Well over the configured burst, sent as fast as frames allow.
        for (var chunk = 0; chunk < 4; chunk++)
        {
            await bad.SendRawAsync(string.Join('\n', Enumerable.Range(10 + chunk * 2000, 2000).Select(id => $$$"""{"id":{{{id}}},"ping":{}}""")));
        }

        var refused = await bad.NextAsync(m => ErrorCode(m) == 111, Timeout, "a 111 reply");
        Assert.True(refused["error"]!["temporary"]!.GetValue<bool>());
        Assert.Equal(3013, await bad.WaitClosedAsync(Timeout));
    }

    [Fact]
    public async Task A_reader_that_never_reads_is_closed_with_3008_and_the_server_holds_only_a_bounded_backlog()
    {
        var channel = $"firehose:{Guid.NewGuid():N}";
        await using var slow = await ProtocolTestClient.ConnectSocketAsync(fixture.WebSocketEndpoint, startReading: false, receiveBufferBytes: 4096);
        await slow.SendRawAsync("""{"id":1,"connect":{}}""");
        await slow.SendRawAsync($$$"""{"id":2,"subscribe":{"channel":"{{{channel}}}"}}""");
        // The publisher is not subscribed: only the slow client receives the flood.
        await using var publisher = await ConnectedClientAsync(fixture.Tokens.Connection("publisher"));
        using var presence = fixture.App.CreateHttpClient("presence", "http");
        await Eventually.TrueAsync(async () => await PresentAsync(presence, channel) == 1, Timeout, "the slow client to be present");

        // Publish until the gateway gives up on the slow client (it leaves the channel's presence).
        // Publications are batched five to a frame.
        var payload = new string('s', 8 * 1024);
        var published = 0;
        while (await PresentAsync(presence, channel) == 1)
        {
            Assert.True(published < 5000, "5000 publications of 8 KiB never overflowed the slow client's bounded queue");
            for (var batch = 0; batch < 10; batch++, published += 5)
            {
                var ids = Enumerable.Range(100_000 + published, 5).ToArray();
                await publisher.SendRawAsync(string.Join('\n', ids.Select(id => $$$"""{"id":{{{id}}},"publish":{"channel":"{{{channel}}}","data":"{{{payload}}}"}}""")));
                foreach (var id in ids)
                {
                    var reply = await publisher.NextAsync(m => m["id"]?.GetValue<int>() == id, Timeout, $"publish reply {id}");
                    Assert.Null(reply["error"]);
                }
            }
        }

        // Now the slow client reads: what was in flight, then the close code.
        slow.StartReading();
        Assert.Equal(3008, await slow.WaitClosedAsync(TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public async Task A_browser_page_from_an_unlisted_origin_cannot_open_a_websocket()
    {
        var refused = await Assert.ThrowsAsync<WebSocketException>(() => ProtocolTestClient.ConnectSocketAsync(fixture.WebSocketEndpoint, origin: "https://evil.example"));
        Assert.Contains("403", refused.Message, StringComparison.Ordinal);
        await using var allowed = await ProtocolTestClient.ConnectSocketAsync(fixture.WebSocketEndpoint, origin: "http://localhost:8000");
    }

    private async Task<ProtocolTestClient> ConnectedClientAsync(string token)
    {
        var client = await ProtocolTestClient.ConnectSocketAsync(fixture.WebSocketEndpoint);
        var reply = await client.CommandAsync("connect", new { token });
        Assert.True(reply["connect"] is not null, $"connect failed: {reply}");
        return client;
    }

    /// <summary>Asks the presence service directly (a client would have to subscribe, and receive the flood, to ask).</summary>
    private static async Task<int> PresentAsync(HttpClient presence, string channel)
    {
        var stats = (await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<JsonObject>(presence, Realtime.Contracts.PresenceRoutes.StatsOf(channel)))!;
        return stats["num_clients"]!.GetValue<int>();
    }

    /// <summary>The neighbour still publishes and receives its own publications in order.</summary>
    private async Task NeighbourIsUnaffectedAsync()
    {
        var n = ++_neighbourMessages;
        Assert.Null((await _neighbour.CommandAsync("publish", new { channel = _neighbourChannel, data = new { n } }))["error"]);
        var publication = await _neighbour.NextPublicationAsync(_neighbourChannel, Timeout);
        Assert.Equal(n, publication["push"]!["pub"]!["data"]!["n"]!.GetValue<int>());
    }

    private static int? ErrorCode(JsonObject reply) => reply["error"]?["code"]?.GetValue<int>();
}
