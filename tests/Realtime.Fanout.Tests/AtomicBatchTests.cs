using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
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

namespace Realtime.Fanout.Tests;

/// <summary>
/// A batch read from the Redis Streams log, fenced, sequenced, appended for history and
/// acknowledged in one script call, against a real redis-server: all of it or nothing.
/// </summary>
public sealed class AtomicBatchTests : IAsyncLifetime
{
    private const string Reader = "reader-1";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private readonly MessagingOptions _log = new() { RedisStreamMaxLength = 1_000 };
    private RedisServer _redis = null!;
    private ConnectionMultiplexer _mux = null!;
    private ChannelSequencer _sequencer = null!;
    private PublicationSequencingHandler _handler = null!;
    private ChannelStreams _streams = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _mux = await _redis.ConnectAsync();
        var channels = new ChannelsOptions
        {
            Namespaces =
            {
                ["chat"] = new ChannelOptions { HistorySize = 10, HistoryTtl = TimeSpan.FromMinutes(1) },
                ["live"] = new ChannelOptions(),
            },
        };
        var delivery = Options.Create(new DeliveryOptions());
        _streams = new ChannelStreams(_mux, new NoDurableTops(), delivery);
        _sequencer = new ChannelSequencer(_mux, new ChannelNamespaces(Options.Create(channels)), _streams, Options.Create(new FanoutOptions()), delivery);
        _handler = new PublicationSequencingHandler(_sequencer, new RedisStreamsLogProducer(_mux, Options.Create(_log)));
    }

    public async Task DisposeAsync()
    {
        await _mux.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task A_held_batch_is_sequenced_delivered_appended_for_history_and_acknowledged_in_one_call()
    {
        await _streams.StartAsync("chat:one", default);
        var delivered = await ListenAsync("chat:one");
        var (records, read) = await ReadAsync(Publication("chat:one"), Publication("live:one"), Publication("chat:one"));

        Assert.True(await _handler.TryHandleAndCompleteAsync(records, read, default));

        Assert.Equal(0, await PendingAsync());
        await Eventually.TrueAsync(() => Task.FromResult(delivered.Count == 2), Timeout, "both chat deliveries");
        Assert.Equal([1UL, 2UL], delivered.Select(d => d.Offset));
        var forHistory = await SequencedAsync("chat:one");
        Assert.Equal([1UL, 2UL], forHistory.Select(p => p.Offset));
        Assert.Equal(PublicationCodec.Decode(records[0].Payload).Id, forHistory[0].Publication.Id);
        Assert.Equal(PublicationCodec.Decode(records[2].Payload).Id, forHistory[1].Publication.Id);
        // A channel that keeps no history sends nothing to the history service.
        Assert.Empty(await SequencedAsync("live:one"));
    }

    [Fact]
    public async Task A_replayed_batch_is_not_delivered_again_but_reaches_history_again_with_the_same_offsets()
    {
        await _streams.StartAsync("chat:replay", default);
        var delivered = await ListenAsync("chat:replay");
        var publication = Publication("chat:replay");
        var (records, read) = await ReadAsync(publication);
        Assert.True(await _handler.TryHandleAndCompleteAsync(records, read, default));

        // The same record again (the first reply was lost, say): deduplicated, offsets as first given.
        Assert.True(await _handler.TryHandleAndCompleteAsync(records, read, default));

        var forHistory = await SequencedAsync("chat:replay");
        Assert.Equal([1UL, 1UL], forHistory.Select(p => p.Offset));
        await Eventually.TrueAsync(() => Task.FromResult(delivered.Count == 1), Timeout, "the one delivery");
        Assert.Single(delivered);
    }

    [Fact]
    public async Task A_reader_whose_lease_is_gone_writes_nothing()
    {
        await _streams.StartAsync("chat:fenced", default);
        var (records, read) = await ReadAsync(Publication("chat:fenced"));
        await _mux.GetDatabase().StringSetAsync(read.Partitions[0].Lease, "reader-2");

        Assert.False(await _handler.TryHandleAndCompleteAsync(records, read, default));

        await AssertNothingWrittenAsync("chat:fenced");
    }

    [Fact]
    public async Task Entries_another_reader_left_pending_come_first_so_the_batch_writes_nothing()
    {
        await _streams.StartAsync("chat:others", default);
        var (records, read) = await ReadAsync(Publication("chat:others"));
        // Another reader, which lost the lease without knowing, read a newer entry of the partition.
        var stream = read.Partitions[0].Stream;
        await _mux.GetDatabase().StreamAddAsync(stream, "k", "chat:others");
        await _mux.GetDatabase().StreamReadGroupAsync(stream, LogTopics.FanoutGroup, "stale-reader", StreamPosition.NewMessages);

        Assert.False(await _handler.TryHandleAndCompleteAsync(records, read, default));

        await AssertNothingWrittenAsync("chat:others", pending: 2);
    }

    [Fact]
    public async Task A_channel_whose_stream_is_not_started_leaves_the_batch_to_the_ordinary_path()
    {
        var (records, read) = await ReadAsync(Publication("chat:fresh"));

        Assert.False(await _handler.TryHandleAndCompleteAsync(records, read, default));
        await AssertNothingWrittenAsync("chat:fresh");

        // The ordinary path starts the stream (from the durable maximum) and sequences.
        await _handler.HandleAsync(records, default);
        Assert.Equal([1UL], (await SequencedAsync("chat:fresh")).Select(p => p.Offset));
    }

    [Fact]
    public async Task Trace_headers_travel_with_the_record_for_history()
    {
        await _streams.StartAsync("chat:traced", default);
        var (records, read) = await ReadAsync(Publication("chat:traced"));
        var traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        var publication = PublicationCodec.Decode(records[0].Payload);

        var results = await _sequencer.TrySequenceAndCompleteAsync(
            [new PublicationToSequence(publication, records[0].Payload)],
            [new Dictionary<string, string> { ["traceparent"] = traceparent }], read);

        Assert.NotNull(results);
        var entry = Assert.Single(await _mux.GetDatabase().StreamRangeAsync(SequencedStream("chat:traced")));
        Assert.Equal(traceparent, (string?)entry.Values.Single(v => v.Name == "h:traceparent").Value);
    }

    [Fact]
    public async Task A_full_sequenced_topic_leaves_the_batch_unwritten_for_the_ordinary_path_to_wait_out()
    {
        await _streams.StartAsync("chat:full", default);
        var sink = SequencedStream("chat:full");
        var filling = new Task[_log.RedisStreamMaxLength];
        for (var i = 0; i < filling.Length; i++)
        {
            filling[i] = _mux.GetDatabase().StreamAddAsync(sink, "k", "history has not read this yet");
        }

        await Task.WhenAll(filling);
        var (records, read) = await ReadAsync(Publication("chat:full"));

        Assert.False(await _handler.TryHandleAndCompleteAsync(records, read, default));
        Assert.Equal(1, await PendingAsync());
        Assert.Equal(_log.RedisStreamMaxLength, await _mux.GetDatabase().StreamLengthAsync(sink));
        // The ordinary path is refused too, as an outage: retried until history catches up, never dead-lettered.
        var refused = await Assert.ThrowsAsync<LogFullException>(() => _handler.HandleAsync(records, default));
        Assert.True(TransientFailures.IsTransient(refused));
    }

    [Fact]
    public async Task The_redis_streams_consumer_completes_the_fanouts_batches_in_the_sequencing_script()
    {
        // The handler's own producer counts the appends the ordinary path would make for history.
        var producer = new CountingProducer(new RedisStreamsLogProducer(_mux, Options.Create(_log)));
        var handler = new PublicationSequencingHandler(_sequencer, producer);
        var consumer = new RedisStreamsLogConsumer(handler, _mux, producer, Options.Create(_log), NullLogger<RedisStreamsLogConsumer>.Instance);
        await _streams.StartAsync("chat:consumed", default);
        await consumer.StartAsync(default);
        try
        {
            var log = new RedisStreamsLogProducer(_mux, Options.Create(_log));
            for (var i = 0; i < 3; i++)
            {
                var publication = Publication("chat:consumed");
                await log.AppendAsync(LogTopics.Publications, new LogRecord(publication.Channel, PublicationCodec.Encode(publication), LogRecord.NoHeaders), default);
            }

            await Eventually.TrueAsync(async () => (await SequencedAsync("chat:consumed")).Count == 3, Timeout, "three publications sequenced for history");
            await Eventually.TrueAsync(async () => await PendingAsync() == 0, Timeout, "the batches acknowledged");
        }
        finally
        {
            await consumer.StopAsync(default);
            consumer.Dispose();
        }

        Assert.Equal([1UL, 2UL, 3UL], (await SequencedAsync("chat:consumed")).Select(p => p.Offset));
        // Every record for history came from the script: the step-by-step path never ran.
        Assert.Equal(0, producer.Appends);
    }

    private async Task AssertNothingWrittenAsync(string channel, int pending = 1)
    {
        Assert.Equal(pending, await PendingAsync());
        Assert.Empty(await SequencedAsync(channel));
        Assert.Equal(0L, (long?)await _mux.GetDatabase().HashGetAsync(ChannelKeys.Meta(channel), "offset") ?? 0L);
    }

    /// <summary>Appends the publications to the log and reads them as <see cref="Reader"/>, which holds the lease.</summary>
    private async Task<(List<LogRecord> Records, RedisStreamsBatchCompletion Read)> ReadAsync(params PublicationEnvelope[] publications)
    {
        var db = _mux.GetDatabase();
        // One partition for the whole batch keeps the test to one lease.
        var partition = RedisStreamKeys.PartitionOf(publications[0].Channel, _log.RedisStreamPartitions);
        var stream = RedisStreamKeys.Partition(LogTopics.Publications, partition);
        var lease = RedisStreamKeys.Lease(LogTopics.Publications, LogTopics.FanoutGroup, partition);
        if (!await db.KeyExistsAsync(stream))
        {
            await db.StreamCreateConsumerGroupAsync(stream, LogTopics.FanoutGroup, StreamPosition.Beginning, createStream: true);
        }

        await db.StringSetAsync(lease, Reader);
        var records = new List<LogRecord>();
        foreach (var publication in publications)
        {
            var record = new LogRecord(publication.Channel, PublicationCodec.Encode(publication), LogRecord.NoHeaders);
            records.Add(record);
            await db.StreamAddAsync(stream, [new NameValueEntry("k", record.Key), new NameValueEntry("p", record.Payload.ToArray())]);
        }

        var entries = await db.StreamReadGroupAsync(stream, LogTopics.FanoutGroup, Reader, StreamPosition.NewMessages);
        Assert.Equal(publications.Length, entries.Length);
        var read = new RedisStreamsBatchCompletion(Reader, LogTopics.FanoutGroup, LogTopics.Publications,
            [new RedisStreamsBatchPartition(lease, stream, [.. entries.Select(e => e.Id)])], _log);
        return (records, read);
    }

    private async Task<long> PendingAsync()
    {
        long pending = 0;
        for (var partition = 0; partition < _log.RedisStreamPartitions; partition++)
        {
            var stream = RedisStreamKeys.Partition(LogTopics.Publications, partition);
            if (await _mux.GetDatabase().KeyExistsAsync(stream))
            {
                pending += (await _mux.GetDatabase().StreamPendingAsync(stream, LogTopics.FanoutGroup)).PendingMessageCount;
            }
        }

        return pending;
    }

    private RedisKey SequencedStream(string channel) =>
        RedisStreamKeys.Partition(LogTopics.Sequenced, RedisStreamKeys.PartitionOf(channel, _log.RedisStreamPartitions));

    private async Task<List<SequencedPublication>> SequencedAsync(string channel)
    {
        var found = new List<SequencedPublication>();
        foreach (var entry in await _mux.GetDatabase().StreamRangeAsync(SequencedStream(channel)))
        {
            foreach (var field in entry.Values.Where(v => v.Name == "p"))
            {
                var decoded = SequencedRecord.Decode((byte[])field.Value!);
                if (decoded.Publication.Channel == channel)
                {
                    found.Add(decoded);
                }
            }
        }

        return found;
    }

    private async Task<ConcurrentQueue<SequencedPublication>> ListenAsync(string channel)
    {
        var received = new ConcurrentQueue<SequencedPublication>();
        var queue = await _mux.GetSubscriber().SubscribeAsync(ChannelKeys.Delivery(channel, sharded: false));
        queue.OnMessage(message => received.Enqueue(DeliveryMessage.Decode((byte[])message.Message!).Publication!));
        return received;
    }

    private static PublicationEnvelope Publication(string channel) => new()
    {
        Id = PublicationEnvelope.NewId(),
        Channel = channel,
        Data = RawJson.FromString("""{"n":1}"""),
        Time = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
    };

    private sealed class CountingProducer(ILogProducer inner) : ILogProducer
    {
        private int _appends;

        public int Appends => _appends;

        public Task AppendAsync(string topic, LogRecord record, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _appends);
            return inner.AppendAsync(topic, record, cancellationToken);
        }
    }

    private sealed class NoDurableTops : IDurableStreamTops
    {
        public Task<ulong> GetTopAsync(string channel, CancellationToken cancellationToken) => Task.FromResult(0UL);
    }
}
