using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Realtime.Channels;
using Realtime.Fanout.Sequencing;
using Realtime.Delivery;
using Realtime.Messaging.Log;
using Realtime.Messaging.Publications;
using Realtime.Messaging.RedisStreams;
using Realtime.Protocol;
using Realtime.Testing;
using StackExchange.Redis;
using Realtime.Redis;

namespace Realtime.Fanout.Tests;

/// <summary>Sequencing and delivery in one Redis script, against a real redis-server.</summary>
public sealed class ChannelSequencerTests : IAsyncLifetime
{
    private RedisServer _redis = null!;
    private ConnectionMultiplexer _mux = null!;
    private ChannelSequencer _sequencer = null!;
    private ChannelStreams _streams = null!;
    private readonly DurableTops _durableTops = new();

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _mux = await _redis.ConnectAsync();
        var channels = new ChannelsOptions
        {
            Namespaces =
            {
                ["chat"] = new ChannelOptions { HistorySize = 3, HistoryTtl = TimeSpan.FromMinutes(1) },
                ["live"] = new ChannelOptions(),
            },
        };
        var delivery = Options.Create(new DeliveryOptions { OffsetGapAfterReset = 1000 });
        _streams = new ChannelStreams(_mux, _durableTops, delivery);
        _sequencer = new ChannelSequencer(_mux, new ChannelNamespaces(Options.Create(channels)), _streams, Options.Create(new FanoutOptions()), delivery);
    }

    public async Task DisposeAsync()
    {
        await _mux.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task A_channel_whose_key_holds_another_type_fails_deterministically_and_is_not_taken_for_an_outage()
    {
        // Something else wrote the channel's meta key as a string: every attempt fails the same way.
        await _mux.GetDatabase().StringSetAsync(ChannelKeys.Meta("chat:poisoned"), "not a hash");
        var failure = await Assert.ThrowsAsync<RedisServerException>(() => SequenceAsync(Publication("chat:poisoned")));
        Assert.StartsWith("WRONGTYPE", failure.Message, StringComparison.Ordinal);
        // Not an outage (the handler passes it on as it is): dead-lettered after its attempts, not retried forever.
        Assert.False(RedisFailures.IsOutage(failure));
        Assert.False(TransientFailures.IsTransient(failure));

        // Outage-like replies are outages (the handler turns them into the port's LogUnavailableException).
        Assert.True(RedisFailures.IsOutage(new RedisServerException(RedisErrorKind.Loading, CommandFlags.None, "LOADING Redis is loading the dataset in memory")));
        Assert.True(RedisFailures.IsOutage(new RedisServerException(RedisErrorKind.ReadOnly, CommandFlags.None, "READONLY You can't write against a read only replica.")));
        Assert.True(RedisFailures.IsOutage(new RedisConnectionException(ConnectionFailureType.UnableToConnect, CommandFlags.None, "down", null, CommandStatus.Unknown)));
        Assert.False(RedisFailures.IsOutage(new RedisServerException(RedisErrorKind.UnknownError, CommandFlags.None, "ERR user_script:1: Script attempted to access nonexistent global variable")));
    }

    [Fact]
    public async Task Offsets_increase_by_one_within_one_epoch()
    {
        var results = new List<SequencingResult>();
        for (var i = 0; i < 5; i++)
        {
            results.Add(await SequenceAsync(Publication("chat:a")));
        }

        Assert.Equal([1UL, 2UL, 3UL, 4UL, 5UL], results.Select(r => r.Publication.Offset));
        Assert.Single(results.Select(r => r.Publication.Epoch).Distinct());
        Assert.All(results, r => Assert.True(r.Sequenced));
    }

    [Fact]
    public async Task A_redelivered_publication_is_not_sequenced_or_delivered_again()
    {
        var delivered = await ListenAsync("chat:dup");
        var publication = Publication("chat:dup");
        var first = await SequenceAsync(publication);
        var again = await SequenceAsync(publication);
        var next = await SequenceAsync(Publication("chat:dup"));

        Assert.True(first.Sequenced);
        Assert.False(again.Sequenced);
        Assert.Equal(first.Publication.Offset, again.Publication.Offset);
        Assert.Equal(2UL, next.Publication.Offset);
        await Eventually.TrueAsync(() => Task.FromResult(delivered.Count == 2), TimeSpan.FromSeconds(5), "two deliveries");
        Assert.Equal([1UL, 2UL], delivered.Select(d => d.Offset));
    }

    [Fact]
    public async Task Delivery_carries_the_offset_and_the_exact_payload()
    {
        var delivered = await ListenAsync("chat:deliver");
        var publication = Publication("chat:deliver", """{"text":"exact  spacing"}""");
        await SequenceAsync(publication);

        await Eventually.TrueAsync(() => Task.FromResult(delivered.Count == 1), TimeSpan.FromSeconds(5), "the delivery");
        var message = delivered.Single();
        Assert.Equal(1UL, message.Offset);
        Assert.Equal(publication.Id, message.Publication.Id);
        Assert.Equal("""{"text":"exact  spacing"}""", message.Publication.Data.ToString());
    }

    [Fact]
    public async Task The_history_window_keeps_only_history_size_entries()
    {
        for (var i = 0; i < 10; i++)
        {
            await SequenceAsync(Publication("chat:window"));
        }

        var entries = await _mux.GetDatabase().StreamRangeAsync(ChannelKeys.History("chat:window"));
        Assert.Equal(["8-1", "9-1", "10-1"], entries.Select(e => (string)e.Id!));
        Assert.True(await _mux.GetDatabase().KeyTimeToLiveAsync(ChannelKeys.History("chat:window")) > TimeSpan.Zero);
    }

    [Fact]
    public async Task Channels_without_history_are_delivered_without_offsets_and_keep_no_stream()
    {
        var delivered = await ListenAsync("live:x");
        var result = await SequenceAsync(Publication("live:x"));

        Assert.Equal(0UL, result.Publication.Offset);
        await Eventually.TrueAsync(() => Task.FromResult(delivered.Count == 1), TimeSpan.FromSeconds(5), "the delivery");
        Assert.False(await _mux.GetDatabase().KeyExistsAsync(ChannelKeys.Meta("live:x")));
        Assert.False(await _mux.GetDatabase().KeyExistsAsync(ChannelKeys.History("live:x")));
    }

    [Fact]
    public async Task A_subscriber_told_the_position_before_any_publish_sees_the_same_epoch()
    {
        var top = await _streams.GetPositionAsync("chat:fresh");
        var result = await SequenceAsync(Publication("chat:fresh"));

        Assert.Equal(0UL, top.Offset);
        Assert.Equal(top.Epoch, result.Publication.Epoch);
        Assert.Equal(new StreamTop(1, top.Epoch), await _streams.GetPositionAsync("chat:fresh"));
    }

    [Fact]
    public async Task Losing_the_stream_state_starts_a_new_epoch_above_the_durable_top()
    {
        var before = await SequenceAsync(Publication("chat:lost"));
        await SequenceAsync(Publication("chat:lost"));
        _durableTops.Tops["chat:lost"] = 2; // history stored both
        await _mux.GetDatabase().KeyDeleteAsync(ChannelKeys.Meta("chat:lost"));
        var after = await SequenceAsync(Publication("chat:lost"));

        Assert.NotEqual(before.Publication.Epoch, after.Publication.Epoch);
        Assert.Equal(2UL + 1000 + 1, after.Publication.Offset);
    }

    [Fact]
    public async Task Sharded_pub_sub_delivers_through_SPUBLISH()
    {
        var delivery = Options.Create(new DeliveryOptions { ShardedPubSub = true });
        var channels = new ChannelsOptions { Namespaces = { ["chat"] = new ChannelOptions { HistorySize = 3, HistoryTtl = TimeSpan.FromMinutes(1) } } };
        var sequencer = new ChannelSequencer(_mux, new ChannelNamespaces(Options.Create(channels)), new ChannelStreams(_mux, _durableTops, delivery), Options.Create(new FanoutOptions()), delivery);
        var received = new ConcurrentQueue<SequencedPublication>();
        var queue = await _mux.GetSubscriber().SubscribeAsync(ChannelKeys.Delivery("chat:sharded", sharded: true));
        queue.OnMessage(message => received.Enqueue(DeliveryMessage.Decode((byte[])message.Message!).Publication!));

        var publication = Publication("chat:sharded");
        await sequencer.SequenceAsync(publication, PublicationCodec.Encode(publication));

        await Eventually.TrueAsync(() => Task.FromResult(received.Count == 1), TimeSpan.FromSeconds(5), "the sharded delivery");
        Assert.Equal(publication.Id, received.Single().Publication.Id);
    }

    [Fact]
    public async Task A_brand_new_channel_starts_at_one()
    {
        var first = await SequenceAsync(Publication("chat:new"));
        Assert.Equal(1UL, first.Publication.Offset);
    }

    /// <summary>Stands in for the history service's durable maximum (PostgreSQL), which its own tests cover.</summary>
    private sealed class DurableTops : IDurableStreamTops
    {
        public Dictionary<string, ulong> Tops { get; } = [];

        public Task<ulong> GetTopAsync(string channel, CancellationToken cancellationToken) => Task.FromResult(Tops.GetValueOrDefault(channel));
    }

    [Fact]
    public async Task Handler_sends_history_channels_on_to_the_sequenced_topic()
    {
        var producer = new RedisStreamsLogProducer(_mux, Options.Create(new MessagingOptions()));
        var handler = new PublicationSequencingHandler(_sequencer, producer);
        var kept = Publication("chat:h");
        var ephemeral = Publication("live:h");
        await handler.HandleAsync(
            [new LogRecord(kept.Channel, PublicationCodec.Encode(kept), LogRecord.NoHeaders), new LogRecord(ephemeral.Channel, PublicationCodec.Encode(ephemeral), LogRecord.NoHeaders)],
            default);

        var sequenced = await _mux.GetDatabase().StreamRangeAsync(RedisStreamKeys.Partition(LogTopics.Sequenced, RedisStreamKeys.PartitionOf("chat:h", new MessagingOptions().RedisStreamPartitions)));
        var record = Assert.Single(sequenced);
        var decoded = SequencedRecord.Decode((byte[])record.Values.Single(v => v.Name == "p").Value!);
        Assert.Equal(kept.Id, decoded.Publication.Id);
        Assert.Equal(1UL, decoded.Offset);
    }

    private Task<SequencingResult> SequenceAsync(PublicationEnvelope publication) =>
        _sequencer.SequenceAsync(publication, PublicationCodec.Encode(publication));

    private async Task<ConcurrentQueue<SequencedPublication>> ListenAsync(string channel)
    {
        var received = new ConcurrentQueue<SequencedPublication>();
        var queue = await _mux.GetSubscriber().SubscribeAsync(ChannelKeys.Delivery(channel, sharded: false));
        queue.OnMessage(message => received.Enqueue(DeliveryMessage.Decode((byte[])message.Message!).Publication!));
        return received;
    }

    private static PublicationEnvelope Publication(string channel, string data = """{"n":1}""") => new()
    {
        Id = PublicationEnvelope.NewId(),
        Channel = channel,
        Data = RawJson.FromString(data),
        Time = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
    };
}
