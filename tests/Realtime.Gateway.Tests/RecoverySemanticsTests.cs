using System.Text.Json.Nodes;
using Realtime.Delivery;
using Realtime.Messaging.Publications;
using Realtime.Protocol;
using Realtime.Testing;
using StackExchange.Redis;

namespace Realtime.Gateway.Tests;

/// <summary>
/// Recovery as Centrifugo decides it, against a channel whose stream is laid out in real Redis
/// exactly as fanout leaves it: offsets 1-10 in epoch "e1", the window (HistorySize 5) holding
/// 6-10. Nothing beyond the window is read unless the namespace sets RecoverFromStorage.
/// </summary>
public sealed class RecoverySemanticsTests : IAsyncLifetime
{
    private const string Channel = "room";
    private RedisServer _redis = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _gateway = await GatewayHost.StartAsync(_redis, new Dictionary<string, string?>
        {
            ["Channels:Default:HistorySize"] = "5",
            ["Channels:Default:HistoryTtl"] = "00:10:00",
            ["Gateway:MaxReplyBytes"] = "4096",
        });
        await using var redis = await ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString);
        var db = redis.GetDatabase();
        await db.HashSetAsync(ChannelKeys.Meta(Channel), [new("offset", 10), new("epoch", "e1")]);
        for (ulong offset = 6; offset <= 10; offset++)
        {
            var publication = new PublicationEnvelope { Id = $"p{offset}", Channel = Channel, Data = RawJson.FromString($$"""{"n":{{offset}}}""") };
            await db.StreamAddAsync(ChannelKeys.History(Channel), "d", PublicationCodec.Encode(publication), messageId: $"{offset}-1");
        }

        // A channel of large publications: three of them outgrow the reply budget of 4 KiB.
        await db.HashSetAsync(ChannelKeys.Meta(BigChannel), [new("offset", 5), new("epoch", "e1")]);
        for (ulong offset = 1; offset <= 5; offset++)
        {
            var publication = new PublicationEnvelope { Id = $"b{offset}", Channel = BigChannel, Data = RawJson.FromString($$"""{"text":"{{new string('x', 1500)}}"}""") };
            await db.StreamAddAsync(ChannelKeys.History(BigChannel), "d", PublicationCodec.Encode(publication), messageId: $"{offset}-1");
        }
    }

    private const string BigChannel = "big";

    [Fact]
    public async Task A_recovery_larger_than_the_reply_budget_answers_the_position_instead_and_stays_subscribed()
    {
        await using var client = await ConnectedAsync();
        var within = (await client.CommandAsync("subscribe", new { channel = BigChannel, recoverable = true, recover = true, offset = 3, epoch = "e1" }))["subscribe"]!;
        Assert.True(within["recovered"]!.GetValue<bool>()); // two of them fit
        Assert.NotNull((await client.CommandAsync("unsubscribe", new { channel = BigChannel }))["unsubscribe"]);

        var beyond = (await client.CommandAsync("subscribe", new { channel = BigChannel, recoverable = true, recover = true, offset = 1, epoch = "e1" }))["subscribe"]!;
        Assert.Null(beyond["recovered"]);
        Assert.Null(beyond["publications"]);
        Assert.Equal(5ul, beyond["offset"]!.GetValue<ulong>());
        Assert.NotNull((await client.CommandAsync("ping", new { }))["ping"]); // not disconnected as slow
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task A_position_inside_the_window_recovers_exactly_the_missed_publications()
    {
        var reply = await SubscribeAsync(new { channel = Channel, recoverable = true, recover = true, offset = 7, epoch = "e1" });
        Assert.True(reply["recovered"]!.GetValue<bool>());
        Assert.True(reply["was_recovering"]!.GetValue<bool>());
        Assert.True(reply["positioned"]!.GetValue<bool>());
        Assert.Equal([8ul, 9ul, 10ul], Offsets(reply));
    }

    [Fact]
    public async Task An_empty_epoch_matches_the_current_one()
    {
        var reply = await SubscribeAsync(new { channel = Channel, recoverable = true, recover = true, offset = 8, epoch = "" });
        Assert.True(reply["recovered"]!.GetValue<bool>());
        Assert.Equal([9ul, 10ul], Offsets(reply));
    }

    [Theory]
    [InlineData(3, "e1")] // 4 and 5 are no longer in the window
    [InlineData(8, "e0")] // another epoch
    public async Task An_unrecoverable_position_answers_the_current_position_without_publications_and_stays_subscribed(int offset, string epoch)
    {
        await using var client = await ConnectedAsync();
        var reply = (await client.CommandAsync("subscribe", new { channel = Channel, recoverable = true, recover = true, offset, epoch }))["subscribe"]!;
        Assert.True(reply["was_recovering"]!.GetValue<bool>());
        Assert.Null(reply["recovered"]);
        Assert.Null(reply["publications"]);
        Assert.Equal(10ul, reply["offset"]!.GetValue<ulong>());
        Assert.Equal("e1", reply["epoch"]!.GetValue<string>());

        var again = await client.CommandAsync("subscribe", new { channel = Channel });
        Assert.Equal(105, again["error"]!["code"]!.GetValue<int>()); // already subscribed: it stayed live
    }

    [Fact]
    public async Task With_flag_bit_2_an_unrecoverable_position_is_error_112_and_the_client_is_not_subscribed()
    {
        await using var client = await ConnectedAsync();
        var refused = await client.CommandAsync("subscribe", new { channel = Channel, recoverable = true, recover = true, offset = 3, epoch = "e1", flag = 2 });
        Assert.Equal(112, refused["error"]!["code"]!.GetValue<int>());

        var fresh = await client.CommandAsync("subscribe", new { channel = Channel });
        Assert.NotNull(fresh["subscribe"]);
    }

    [Fact]
    public async Task A_subscribe_that_does_not_ask_to_recover_hears_nothing_about_recovering()
    {
        var plain = await SubscribeAsync(new { channel = Channel });
        Assert.Null(plain["was_recovering"]);
        Assert.Null(plain["recoverable"]);
        Assert.Null(plain["positioned"]);
        Assert.Equal(10ul, plain["offset"]!.GetValue<ulong>());

        var recoverable = await SubscribeAsync(new { channel = Channel, recoverable = true });
        Assert.Null(recoverable["was_recovering"]);
        Assert.True(recoverable["recoverable"]!.GetValue<bool>());
        Assert.True(recoverable["positioned"]!.GetValue<bool>());
    }

    private async Task<JsonNode> SubscribeAsync(object request)
    {
        await using var client = await ConnectedAsync();
        var reply = await client.CommandAsync("subscribe", request);
        return reply["subscribe"] ?? throw new Xunit.Sdk.XunitException(reply.ToJsonString());
    }

    private async Task<ProtocolTestClient> ConnectedAsync()
    {
        var client = await ProtocolTestClient.ConnectSocketAsync(_gateway.WebSocket);
        Assert.NotNull((await client.CommandAsync("connect", new { }))["connect"]);
        return client;
    }

    private static ulong[] Offsets(JsonNode reply) =>
        [.. reply["publications"]!.AsArray().Select(p => p!["offset"]!.GetValue<ulong>())];
}
