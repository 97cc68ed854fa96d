using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Realtime.Messaging.Log;
using Realtime.Messaging.RedisStreams;
using Realtime.Testing;
using StackExchange.Redis;
using Realtime.Redis;

namespace Realtime.Messaging.Tests;

/// <summary>The Redis Streams transport against a real redis-server.</summary>
public sealed class RedisStreamsLogTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly IOptions<MessagingOptions> _options = Options.Create(new MessagingOptions
    {
        PollTimeout = TimeSpan.FromMilliseconds(100),
        RetryDelay = TimeSpan.FromMilliseconds(10),
        MaxDeliveryAttempts = 3,
        RedisStreamPartitions = 4,
        RedisStreamLeaseTtl = TimeSpan.FromSeconds(2),
    });
    private RedisServer _redis = null!;
    private ConnectionMultiplexer _mux = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _mux = await _redis.ConnectAsync();
    }

    public async Task DisposeAsync()
    {
        await _mux.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Appended_records_reach_the_group_in_order_with_headers()
    {
        var producer = new RedisStreamsLogProducer(_mux, _options);
        var handler = new RecordingHandler("orders");
        for (var i = 0; i < 50; i++)
        {
            await producer.AppendAsync("orders", new LogRecord("key", Encoding.UTF8.GetBytes($"m{i}"), new Dictionary<string, string> { ["traceparent"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" }), default);
        }

        await using (await StartConsumerAsync(handler))
        {
            await Eventually.TrueAsync(() => Task.FromResult(handler.Received.Count == 50), Timeout, "50 records");
        }

        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"m{i}"), handler.Received.Select(r => Encoding.UTF8.GetString(r.Payload.Span)));
        Assert.All(handler.Received, r => Assert.Equal("key", r.Key));
        Assert.All(handler.Received, r => Assert.True(r.Headers.ContainsKey("traceparent")));
    }

    [Fact]
    public async Task A_failing_batch_is_delivered_again_and_acknowledged_only_after_success()
    {
        var producer = new RedisStreamsLogProducer(_mux, _options);
        var handler = new RecordingHandler("retries") { FailuresLeft = 3, Failure = () => new TimeoutException("an outage") };
        await producer.AppendAsync("retries", new LogRecord("k", "once"u8.ToArray(), LogRecord.NoHeaders), default);

        await using (await StartConsumerAsync(handler))
        {
            await Eventually.TrueAsync(() => Task.FromResult(handler.Received.Count == 1), Timeout, "the record after three failures");
            await Eventually.TrueAsync(async () => (await PendingAsync("retries")) == 0, Timeout, "the acknowledgement");
        }

        Assert.Equal(4, handler.Attempts);
    }

    [Fact]
    public async Task Records_left_pending_by_a_crashed_member_are_handled_by_the_member_taking_over()
    {
        var producer = new RedisStreamsLogProducer(_mux, _options);
        await producer.AppendAsync("crash", new LogRecord("k", "survivor"u8.ToArray(), LogRecord.NoHeaders), default);
        var db = _mux.GetDatabase();
        var stream = RedisStreamKeys.Partition("crash", RedisStreamKeys.PartitionOf("k", _options.Value.RedisStreamPartitions));
        await db.StreamCreateConsumerGroupAsync(stream, "crash-group", StreamPosition.Beginning);
        // A member that read the record and died before acknowledging it (its lease long expired).
        var taken = await db.StreamReadGroupAsync(stream, "crash-group", "dead-member", StreamPosition.NewMessages, 10);
        Assert.Single(taken);

        var handler = new RecordingHandler("crash") { ConsumerGroup = "crash-group" };
        await using (await StartConsumerAsync(handler))
        {
            await Eventually.TrueAsync(() => Task.FromResult(handler.Received.Count == 1), Timeout, "the claimed record");
        }

        Assert.Equal("survivor", Encoding.UTF8.GetString(handler.Received.Single().Payload.Span));
    }

    [Fact]
    public async Task Records_a_fenced_off_member_read_after_losing_its_lease_are_handled_by_the_holder_in_log_order()
    {
        var producer = new RedisStreamsLogProducer(_mux, _options);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstBatch = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new RecordingHandler("fenced")
        {
            Gate = () =>
            {
                firstBatch.TrySetResult();
                return release.Task;
            },
        };
        await using (await StartConsumerAsync(handler))
        {
            await producer.AppendAsync("fenced", new LogRecord("k", "first"u8.ToArray(), LogRecord.NoHeaders), default);
            await firstBatch.Task.WaitAsync(Timeout);

            // While the holder is busy, a member that still believes it holds the partition reads the next record.
            await producer.AppendAsync("fenced", new LogRecord("k", "stranded"u8.ToArray(), LogRecord.NoHeaders), default);
            var stream = RedisStreamKeys.Partition("fenced", RedisStreamKeys.PartitionOf("k", _options.Value.RedisStreamPartitions));
            Assert.Single(await _mux.GetDatabase().StreamReadGroupAsync(stream, "group", "fenced-member", StreamPosition.NewMessages, 10));
            // A newer record the holder reads itself: it must not overtake the stranded one.
            await producer.AppendAsync("fenced", new LogRecord("k", "third"u8.ToArray(), LogRecord.NoHeaders), default);
            release.SetResult();

            await Eventually.TrueAsync(() => Task.FromResult(handler.Received.Count == 3), Timeout, "the stranded record and the newer one");
            await Eventually.TrueAsync(async () => (await PendingAsync("fenced")) == 0, Timeout, "the acknowledgement");
        }

        Assert.Equal(["first", "stranded", "third"], handler.Received.Select(r => Encoding.UTF8.GetString(r.Payload.Span)));
    }

    [Fact]
    public async Task After_redis_restarts_empty_the_groups_are_recreated_and_every_new_record_is_handled()
    {
        var producer = new RedisStreamsLogProducer(_mux, _options);
        var first = new RecordingHandler("restart");
        var second = new RecordingHandler("restart");
        await using var a = await StartConsumerAsync(first);
        await using var b = await StartConsumerAsync(second);
        await producer.AppendAsync("restart", new LogRecord("k", "before"u8.ToArray(), LogRecord.NoHeaders), default);
        await Eventually.TrueAsync(() => Task.FromResult(Distinct(first, second).Contains("before")), Timeout, "the record before the restart");

        var port = _redis.Port;
        await _redis.DisposeAsync();
        _redis = await RedisServer.StartAsync(port);

        var appended = new List<string>();
        for (var n = 0; n < 40; n++)
        {
            var payload = $"after-{n}";
            await Eventually.TrueAsync(async () =>
            {
                try
                {
                    await producer.AppendAsync("restart", new LogRecord($"channel-{n % 8}", Encoding.UTF8.GetBytes(payload), LogRecord.NoHeaders), default);
                    return true;
                }
                catch (Exception e) when (e is RedisException or TimeoutException)
                {
                    return false; // the producer is still reconnecting
                }
            }, Timeout, "an append after the restart");
            appended.Add(payload);
        }

        await Eventually.TrueAsync(() => Task.FromResult(Distinct(first, second).IsSupersetOf(appended)), TimeSpan.FromSeconds(30), "every record appended after the restart");
    }

    [Fact]
    public async Task Two_members_share_the_partitions_and_per_key_order_survives_one_of_them_stopping()
    {
        var producer = new RedisStreamsLogProducer(_mux, _options);
        var keys = Enumerable.Range(0, 8).Select(i => $"channel-{i}").ToArray();
        var first = new RecordingHandler("shared");
        var second = new RecordingHandler("shared");
        var a = await StartConsumerAsync(first);
        await using var b = await StartConsumerAsync(second);

        for (var n = 0; n < 200; n++)
        {
            await producer.AppendAsync("shared", new LogRecord(keys[n % keys.Length], Encoding.UTF8.GetBytes($"{keys[n % keys.Length]}:{n}"), LogRecord.NoHeaders), default);
            if (n == 100)
            {
                await a.DisposeAsync(); // mid-stream: its partitions move to the other member
            }
        }

        await Eventually.TrueAsync(() => Task.FromResult(Distinct(first, second).Count == 200), TimeSpan.FromSeconds(30), "all 200 records");
        Assert.True(!first.Received.IsEmpty && !second.Received.IsEmpty, "both members took a share");
        foreach (var key in keys)
        {
            // Per key, the records each member handled are in append order, and together they cover every record.
            foreach (var handler in new[] { first, second })
            {
                var numbers = handler.Received.Select(r => Encoding.UTF8.GetString(r.Payload.Span)).Where(p => p.StartsWith(key + ":", StringComparison.Ordinal))
                    .Select(p => int.Parse(p[(key.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
                Assert.Equal(numbers.Order(), numbers);
            }
        }
    }

    private static HashSet<string> Distinct(params RecordingHandler[] handlers) =>
        handlers.SelectMany(h => h.Received).Select(r => Encoding.UTF8.GetString(r.Payload.Span)).ToHashSet();

    [Fact]
    public async Task A_record_that_keeps_failing_goes_to_the_dead_letter_topic_and_the_rest_still_flows()
    {
        var producer = new RedisStreamsLogProducer(_mux, _options);
        var handler = new RecordingHandler("poisoned") { Poison = r => Encoding.UTF8.GetString(r.Payload.Span) == "poison" };
        foreach (var payload in new[] { "a", "poison", "b" })
        {
            await producer.AppendAsync("poisoned", new LogRecord("k", Encoding.UTF8.GetBytes(payload), LogRecord.NoHeaders), default);
        }

        await using (await StartConsumerAsync(handler))
        {
            await Eventually.TrueAsync(() => Task.FromResult(handler.Received.Count == 2), Timeout, "the good records");
            await Eventually.TrueAsync(async () => (await PendingAsync("poisoned")) == 0, Timeout, "every record acknowledged");
        }

        Assert.Equal(["a", "b"], handler.Received.Select(r => Encoding.UTF8.GetString(r.Payload.Span)));
        var dead = Assert.Single(await AllEntriesAsync(LogTopics.DeadLetter("poisoned")));
        Assert.Equal("poison", (string)dead.Values.Single(v => v.Name == RedisStreamKeys.PayloadField).Value!);
        Assert.Contains("poison record", (string)dead.Values.Single(v => v.Name == RedisStreamKeys.HeaderPrefix + "x-dead-letter-reason").Value!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_outage_is_waited_out_and_never_dead_letters()
    {
        var producer = new RedisStreamsLogProducer(_mux, _options);
        var handler = new RecordingHandler("outage") { FailuresLeft = 20, Failure = () => new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused) };
        await producer.AppendAsync("outage", new LogRecord("k", "precious"u8.ToArray(), LogRecord.NoHeaders), default);

        await using (await StartConsumerAsync(handler))
        {
            await Eventually.TrueAsync(() => Task.FromResult(handler.Received.Count == 1), TimeSpan.FromSeconds(30), "the record after the outage");
        }

        Assert.Empty(await AllEntriesAsync(LogTopics.DeadLetter("outage")));
    }

    private async Task<long> PendingAsync(string topic)
    {
        long pending = 0;
        for (var partition = 0; partition < _options.Value.RedisStreamPartitions; partition++)
        {
            var stream = RedisStreamKeys.Partition(topic, partition);
            if (await _mux.GetDatabase().KeyExistsAsync(stream))
            {
                pending += (await _mux.GetDatabase().StreamPendingAsync(stream, "group")).PendingMessageCount;
            }
        }

        return pending;
    }

    [Fact]
    public async Task A_handler_that_completes_batches_itself_gets_each_batch_first_and_one_it_declines_or_fails_takes_the_ordinary_path()
    {
        var producer = new RedisStreamsLogProducer(_mux, _options);
        var handler = new AtomicHandler("atomic", _mux);
        await using (await StartConsumerAsync(handler))
        {
            foreach (var (payload, outcome) in new[] { ("done", "complete"), ("declined", "decline"), ("failed", "throw") })
            {
                handler.Next = outcome;
                await producer.AppendAsync("atomic", new LogRecord("k", Encoding.UTF8.GetBytes(payload), LogRecord.NoHeaders), default);
                await Eventually.TrueAsync(() => Task.FromResult(handler.Completed.Count + handler.Received.Count == 1), Timeout, payload);
                await Eventually.TrueAsync(async () => (await PendingAsync("atomic")) == 0, Timeout, $"{payload} acknowledged");
                var completedItself = handler.Completed.TryDequeue(out var completed);
                var handledOrdinarily = handler.Received.TryDequeue(out var received);
                Assert.Equal(outcome == "complete", completedItself);
                Assert.Equal(outcome != "complete", handledOrdinarily);
                Assert.Equal(payload, Encoding.UTF8.GetString((completed ?? received)!.Payload.Span));
            }
        }

        Assert.Equal(3, handler.Offered);
    }

    [Fact]
    public async Task A_full_partition_refuses_appends_and_only_what_every_group_acknowledged_is_trimmed()
    {
        var options = Options.Create(new MessagingOptions { RedisStreamPartitions = 4, RedisStreamMaxLength = 1_000 });
        var producer = new RedisStreamsLogProducer(_mux, options);
        var db = _mux.GetDatabase();
        var stream = RedisStreamKeys.Partition("bounded", RedisStreamKeys.PartitionOf("k", 4));
        await db.StreamCreateConsumerGroupAsync(stream, "fast", StreamPosition.Beginning, createStream: true);
        await db.StreamCreateConsumerGroupAsync(stream, "slow", StreamPosition.Beginning);
        for (var i = 0; i < 1_000; i++)
        {
            await producer.AppendAsync("bounded", new LogRecord("k", Encoding.UTF8.GetBytes($"m{i}"), LogRecord.NoHeaders), default);
        }

        var refused = await Assert.ThrowsAsync<LogFullException>(() => Append(producer, "one too many"));
        Assert.True(TransientFailures.IsTransient(refused)); // the publisher gets a temporary error

        // One group has everything, the other nothing yet: nothing may go.
        await ReadAndAcknowledgeAsync(db, stream, "fast", 1_000);
        Assert.Equal(0, await AcknowledgedTrimming.TrimAsync(db, stream));
        await Assert.ThrowsAsync<LogFullException>(() => Append(producer, "still too many"));

        // The slower group catches up part of the way: what both have acknowledged goes.
        await ReadAndAcknowledgeAsync(db, stream, "slow", 600);
        Assert.Equal(599, await AcknowledgedTrimming.TrimAsync(db, stream));
        await Append(producer, "room again");

        // The slow group still gets every record it had not read.
        var rest = await db.StreamReadGroupAsync(stream, "slow", "reader", StreamPosition.NewMessages, 2_000);
        Assert.Equal(401, rest.Length);
        Assert.Equal("m600", Encoding.UTF8.GetString((byte[])rest[0]["p"]!));
    }

    /// <summary>
    /// What the port promises callers above it, who know no Redis types: an unreachable Redis is
    /// an outage (<see cref="LogUnavailableException"/>, waited out), and a reply about the
    /// command or its data is a refusal (<see cref="LogRejectedException"/>, not retried).
    /// </summary>
    [Fact]
    public async Task Redis_failures_reach_the_caller_as_the_ports_outage_or_refusal()
    {
        var nowhere = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
        {
            EndPoints = { { "127.0.0.1", FreePort.Next() } },
            AbortOnConnectFail = false,
            ConnectTimeout = 200,
            AsyncTimeout = 500,
        });
        await using (nowhere)
        {
            var outage = await Assert.ThrowsAsync<LogUnavailableException>(() => Append(new RedisStreamsLogProducer(nowhere, _options), "no Redis"));
            // Unreachable or timed out in the backlog: SE.Redis reports either, both outages.
            Assert.True(outage.InnerException is { } inner && RedisFailures.IsOutage(inner), outage.ToString());
            Assert.True(TransientFailures.IsTransient(outage));
        }

        // Something else holds the partition's key as a string: every attempt fails the same way.
        await _mux.GetDatabase().StringSetAsync(RedisStreamKeys.Partition("bounded", RedisStreamKeys.PartitionOf("k", 4)), "not a stream");
        var refusal = await Assert.ThrowsAsync<LogRejectedException>(() => Append(new RedisStreamsLogProducer(_mux, _options), "wrong type"));
        Assert.Contains("WRONGTYPE", refusal.Message, StringComparison.Ordinal);
        Assert.False(TransientFailures.IsTransient(refusal));
    }

    [Fact]
    public async Task A_consumer_trims_what_its_group_acknowledged_and_dead_letters_are_capped_not_refused()
    {
        var producer = new RedisStreamsLogProducer(_mux, Options.Create(new MessagingOptions { RedisStreamPartitions = 4, RedisStreamMaxLength = 1_000 }));
        var handler = new RecordingHandler("trimmed");
        await using (await StartConsumerAsync(handler))
        {
            for (var i = 0; i < 50; i++)
            {
                await producer.AppendAsync("trimmed", new LogRecord("k", Encoding.UTF8.GetBytes($"m{i}"), LogRecord.NoHeaders), default);
            }

            await Eventually.TrueAsync(() => Task.FromResult(handler.Received.Count == 50), Timeout, "50 records");
            // The group's last delivered entry stays (its position); everything before it goes.
            await Eventually.TrueAsync(async () => (await AllEntriesAsync("trimmed")).Count <= 1, Timeout, "the acknowledged records trimmed");
        }

        var deadLetters = LogTopics.DeadLetter("trimmed");
        for (var i = 0; i < 1_001; i++)
        {
            await producer.AppendAsync(deadLetters, new LogRecord("k", Encoding.UTF8.GetBytes($"d{i}"), LogRecord.NoHeaders), default);
        }
    }

    private static Task Append(RedisStreamsLogProducer producer, string payload) =>
        producer.AppendAsync("bounded", new LogRecord("k", Encoding.UTF8.GetBytes(payload), LogRecord.NoHeaders), default);

    private static async Task ReadAndAcknowledgeAsync(IDatabase db, RedisKey stream, string group, int count)
    {
        var entries = await db.StreamReadGroupAsync(stream, group, "reader", StreamPosition.NewMessages, count);
        Assert.Equal(count, entries.Length);
        await db.StreamAcknowledgeAsync(stream, group, [.. entries.Select(e => e.Id)]);
    }

    private async Task<List<StreamEntry>> AllEntriesAsync(string topic)
    {
        var entries = new List<StreamEntry>();
        for (var partition = 0; partition < _options.Value.RedisStreamPartitions; partition++)
        {
            entries.AddRange(await _mux.GetDatabase().StreamRangeAsync(RedisStreamKeys.Partition(topic, partition)));
        }

        return entries;
    }

    private async Task<RunningConsumer> StartConsumerAsync(ILogHandler handler)
    {
        var consumer = new RedisStreamsLogConsumer(handler, _mux, new RedisStreamsLogProducer(_mux, _options), _options, NullLogger<RedisStreamsLogConsumer>.Instance);
        await consumer.StartAsync(default);
        return new RunningConsumer(consumer);
    }

    private sealed class RunningConsumer(RedisStreamsLogConsumer consumer) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await consumer.StopAsync(default);
            consumer.Dispose();
        }
    }

    private sealed class RecordingHandler(string topic) : ILogHandler
    {
        public ConcurrentQueue<LogRecord> Received { get; } = new();
        public int FailuresLeft { get; set; }
        public Func<Exception> Failure { get; init; } = () => new InvalidOperationException("handler failure");
        public Func<LogRecord, bool> Poison { get; init; } = _ => false;
        public int Attempts { get; private set; }
        public string Topic => topic;
        public string ConsumerGroup { get; init; } = "group";
        public Func<Task> Gate { get; init; } = () => Task.CompletedTask;

        public async Task HandleAsync(IReadOnlyList<LogRecord> batch, CancellationToken cancellationToken)
        {
            await Gate();
            Attempts++;
            if (FailuresLeft-- > 0)
            {
                throw Failure();
            }

            if (batch.Any(Poison))
            {
                throw new InvalidDataException("poison record");
            }

            foreach (var record in batch)
            {
                Received.Enqueue(record);
            }
        }
    }

    /// <summary>Completes a batch itself (handling and acknowledging it), declines it or fails, as told.</summary>
    private sealed class AtomicHandler(string topic, IConnectionMultiplexer redis) : ITransactionalLogHandler
    {
        public ConcurrentQueue<LogRecord> Completed { get; } = new();
        public ConcurrentQueue<LogRecord> Received { get; } = new();
        public volatile string Next = "complete";
        public int Offered { get; private set; }
        public string Topic => topic;
        public string ConsumerGroup => "group";

        public Task HandleAsync(IReadOnlyList<LogRecord> batch, CancellationToken cancellationToken)
        {
            foreach (var record in batch)
            {
                Received.Enqueue(record);
            }

            return Task.CompletedTask;
        }

        public async Task<bool> TryHandleAndCompleteAsync(IReadOnlyList<LogRecord> batch, LogBatchCompletion completion, CancellationToken cancellationToken)
        {
            Offered++;
            switch (Next)
            {
                case "decline":
                    return false;
                case "throw":
                    throw new RedisServerException(RedisErrorKind.UnknownError, CommandFlags.None, "ERR the script failed");
            }

            var read = Assert.IsType<RedisStreamsBatchCompletion>(completion);
            Assert.Equal("group", read.ConsumerGroup);
            Assert.Equal(topic, read.Topic);
            foreach (var partition in read.Partitions)
            {
                Assert.Equal(read.Reader, (string?)await redis.GetDatabase().StringGetAsync(partition.Lease));
                await redis.GetDatabase().StreamAcknowledgeAsync(partition.Stream, read.ConsumerGroup, partition.EntryIds);
            }

            foreach (var record in batch)
            {
                Completed.Enqueue(record);
            }

            return true;
        }
    }
}
