using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Realtime.Messaging.Log;
using Realtime.Messaging.RedisStreams;
using Realtime.Testing;
using StackExchange.Redis;

namespace Realtime.Messaging.Tests;

/// <summary>The Redis Streams transport against a real redis-server.</summary>
public sealed class RedisStreamsLogTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly IOptions<MessagingOptions> _options = Options.Create(new MessagingOptions { PollTimeout = TimeSpan.FromMilliseconds(100), RetryDelay = TimeSpan.FromMilliseconds(10), MaxDeliveryAttempts = 3 });
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
    public async Task Records_left_pending_by_a_crashed_member_are_handled_on_restart()
    {
        var producer = new RedisStreamsLogProducer(_mux, _options);
        await producer.AppendAsync("crash", new LogRecord("k", "survivor"u8.ToArray(), LogRecord.NoHeaders), default);
        var db = _mux.GetDatabase();
        await db.StreamCreateConsumerGroupAsync(RedisStreamKeys.Topic("crash"), "crash-group", StreamPosition.Beginning);
        // A member that read the record and died before acknowledging it.
        var taken = await db.StreamReadGroupAsync(RedisStreamKeys.Topic("crash"), "crash-group", "dead-member", StreamPosition.NewMessages, 10);
        Assert.Single(taken);

        var handler = new RecordingHandler("crash") { ConsumerGroup = "crash-group" };
        await using (await StartConsumerAsync(handler, claimIdle: TimeSpan.Zero))
        {
            await Eventually.TrueAsync(() => Task.FromResult(handler.Received.Count == 1), Timeout, "the claimed record");
        }

        Assert.Equal("survivor", Encoding.UTF8.GetString(handler.Received.Single().Payload.Span));
    }

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
        var dead = Assert.Single(await _mux.GetDatabase().StreamRangeAsync(RedisStreamKeys.Topic(LogTopics.DeadLetter("poisoned"))));
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

        Assert.False(await _mux.GetDatabase().KeyExistsAsync(RedisStreamKeys.Topic(LogTopics.DeadLetter("outage"))));
    }

    private async Task<long> PendingAsync(string topic) =>
        (await _mux.GetDatabase().StreamPendingAsync(RedisStreamKeys.Topic(topic), "group")).PendingMessageCount;

    private async Task<RunningConsumer> StartConsumerAsync(RecordingHandler handler, TimeSpan? claimIdle = null)
    {
        var consumer = new RedisStreamsLogConsumer(handler, _mux, new RedisStreamsLogProducer(_mux, _options), _options, NullLogger<RedisStreamsLogConsumer>.Instance) { ClaimIdleTime = claimIdle ?? TimeSpan.FromSeconds(30) };
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

        public Task HandleAsync(IReadOnlyList<LogRecord> batch, CancellationToken cancellationToken)
        {
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

            return Task.CompletedTask;
        }
    }
}
