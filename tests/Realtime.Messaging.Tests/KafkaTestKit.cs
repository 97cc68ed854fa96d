using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Realtime.Messaging.Kafka;
using Realtime.Messaging.Log;
using Realtime.Testing;
using Xunit.Abstractions;

namespace Realtime.Messaging.Tests;

/// <summary>
/// What the Kafka transport tests share: a mock cluster per test, the transport's own producer
/// and consumer wired as the services wire them, and plain Confluent.Kafka clients to look at the
/// cluster from outside (committed offsets, watermarks, a topic's records).
/// </summary>
public abstract class KafkaTestBase(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>Generous: a passing test is far quicker; a failing one says what it waited for.</summary>
    protected static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly List<IAsyncDisposable> _running = [];
    private readonly List<IDisposable> _clients = [];

    protected ITestOutputHelper Output { get; } = output;

    protected KafkaMockCluster Cluster { get; private set; } = null!;

    protected MessagingOptions Messaging { get; set; } = new()
    {
        PollTimeout = TimeSpan.FromMilliseconds(100),
        RetryDelay = TimeSpan.FromMilliseconds(10),
        MaxDeliveryAttempts = 3,
    };

    /// <summary>
    /// The transport's settings for the mock: a 3 s session (above the cluster's zero initial
    /// rebalance delay) and frequent heartbeats. The session is short because the mock holds
    /// every membership change in its Joining state for session.timeout.ms − 1 s (and a
    /// cooperative rebalance takes two rounds).
    /// </summary>
    protected KafkaOptions Kafka => new()
    {
        BootstrapServers = Cluster.BootstrapServers,
        ConsumerConfig = new(ConsumerSettings),
    };

    protected Dictionary<string, string> ConsumerSettings { get; } = new()
    {
        ["session.timeout.ms"] = "3000",
        ["heartbeat.interval.ms"] = "500",
    };

    public Task InitializeAsync()
    {
        Cluster = KafkaMockCluster.Start(brokers: 3);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        // Clients first, so none spends its shutdown reconnecting to a destroyed cluster.
        for (var i = _running.Count - 1; i >= 0; i--)
        {
            await _running[i].DisposeAsync();
        }

        foreach (var client in _clients)
        {
            client.Dispose();
        }

        await Cluster.DisposeAsync();
    }

    private protected KafkaLogProducer NewProducer()
    {
        var producer = new KafkaLogProducer(Options.Create(Kafka));
        _clients.Add(producer);
        return producer;
    }

    /// <summary>Starts a consumer-group member the way <c>AddLogConsumer</c> does; stopped by <see cref="RunningConsumer.DisposeAsync"/> or at the end of the test.</summary>
    private protected async Task<RunningConsumer> StartConsumerAsync(ILogHandler handler, string member = "member")
    {
        var consumer = new KafkaLogConsumer(handler, NewProducer(), Options.Create(Kafka), Options.Create(Messaging), new TestLogger<KafkaLogConsumer>(Output, member));
        await consumer.StartAsync(default);
        var running = new RunningConsumer(consumer);
        _running.Add(running);
        return running;
    }

    protected static async Task AppendAsync(ILogProducer producer, string topic, string key, string payload, IReadOnlyDictionary<string, string>? headers = null) =>
        await producer.AppendAsync(topic, new LogRecord(key, Encoding.UTF8.GetBytes(payload), headers ?? LogRecord.NoHeaders), default);

    /// <summary>
    /// The group's committed offset per partition (0 where nothing was committed: with offsets
    /// starting at 0 that is the same position), read with an OffsetFetch as any other client would.
    /// </summary>
    protected Dictionary<int, long> Committed(string topic, string group)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig
        {
            BootstrapServers = Cluster.BootstrapServers,
            GroupId = group,
            EnableAutoCommit = false,
        }).SetLogHandler((_, _) => { }).Build();
        var partitions = Partitions(topic).Select(p => new TopicPartition(topic, p));
        return consumer.Committed(partitions, TimeSpan.FromSeconds(10)).ToDictionary(o => o.Partition.Value, o => Math.Max(0, o.Offset.Value));
    }

    /// <summary>High watermark (next offset) per partition: how many records each partition holds.</summary>
    protected Dictionary<int, long> HighWatermarks(string topic)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = Cluster.BootstrapServers, GroupId = "watermarks" })
            .SetLogHandler((_, _) => { }).Build();
        return Partitions(topic).ToDictionary(p => p, p => consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10)).High.Value);
    }

    /// <summary>The topic's partitions, from a Metadata request (no admin API).</summary>
    protected List<int> Partitions(string topic)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = Cluster.BootstrapServers })
            .SetLogHandler((_, _) => { }).Build();
        var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single();
        if (metadata.Error.IsError)
        {
            throw new KafkaException(metadata.Error);
        }

        return metadata.Partitions.Select(p => p.PartitionId).Order().ToList();
    }

    /// <summary>Reads <paramref name="count"/> records of a topic from the beginning of every partition, outside any group.</summary>
    protected List<Message<string, byte[]>> ReadTopic(string topic, int count)
    {
        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = Cluster.BootstrapServers,
            GroupId = "reader-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
        }).SetLogHandler((_, _) => { }).Build();
        consumer.Assign(Partitions(topic).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var messages = new List<Message<string, byte[]>>();
        var deadline = DateTime.UtcNow + Timeout;
        while (messages.Count < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Read {messages.Count} of {count} records of {topic}");
            }

            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { } result)
            {
                messages.Add(result.Message);
            }
        }

        // Nothing more than expected.
        Assert.Null(consumer.Consume(TimeSpan.FromMilliseconds(500)));
        return messages;
    }

    /// <summary>Waits until the group has committed <paramref name="total"/> records of the topic; a timeout shows the offsets it last saw.</summary>
    protected Task CommittedAsync(string topic, string group, long total, string what) =>
        Eventually.ReturnsAsync(
            () => Task.FromResult(new OffsetsSeen(Committed(topic, group))),
            seen => seen.Sum == total,
            Timeout,
            what);

    protected readonly record struct OffsetsSeen(Dictionary<int, long> Offsets)
    {
        public long Sum => Offsets.Values.Sum();

        public override string ToString() => $"{Sum} committed: " + string.Join(", ", Offsets.OrderBy(o => o.Key).Select(o => $"[{o.Key}]@{o.Value}"));
    }

    protected static string Text(LogRecord record) => Encoding.UTF8.GetString(record.Payload.Span);

    protected static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    private protected sealed class RunningConsumer(KafkaLogConsumer consumer) : IAsyncDisposable
    {
        private bool _stopped;

        /// <summary>Stops the member (it leaves the group); bounded so a hang fails the test instead of blocking it.</summary>
        public async ValueTask DisposeAsync()
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
            using var bound = new CancellationTokenSource(Timeout);
            await consumer.StopAsync(bound.Token);
            Assert.False(bound.IsCancellationRequested, "the consumer did not stop in time");
            Assert.True(consumer.ExecuteTask?.IsCompletedSuccessfully ?? true, $"the consumer loop ended with {consumer.ExecuteTask?.Exception}");
            consumer.Dispose();
        }

        /// <summary>The consumer loop must not have died (it would stop the host).</summary>
        public void AssertAlive() =>
            Assert.False(consumer.ExecuteTask?.IsCompleted ?? false, $"the consumer loop ended: {consumer.ExecuteTask?.Exception}");
    }
}

/// <summary>What every handler of a test saw, in the order the group handled it.</summary>
public sealed class HandledLog
{
    private readonly Lock _gate = new();
    private readonly List<Handled> _handled = [];

    public sealed record Handled(string Member, LogRecord Record, string Payload);

    public void Add(string member, IEnumerable<LogRecord> records)
    {
        lock (_gate)
        {
            foreach (var record in records)
            {
                _handled.Add(new Handled(member, record, Encoding.UTF8.GetString(record.Payload.Span)));
            }
        }
    }

    public List<Handled> Snapshot()
    {
        lock (_gate)
        {
            return [.. _handled];
        }
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _handled.Count;
            }
        }
    }

    public int CountBy(string member)
    {
        lock (_gate)
        {
            return _handled.Count(h => h.Member == member);
        }
    }

    public List<string> Payloads() => Snapshot().Select(h => h.Payload).ToList();
}

/// <summary>
/// A handler that records what it handled in a <see cref="HandledLog"/>, and fails a batch when
/// <see cref="FailWith"/> says so (an outage, or a record that cannot be handled).
/// </summary>
public sealed class TestHandler(string topic, HandledLog log, string member = "member") : ILogHandler
{
    private int _attempts;

    public string Topic => topic;

    public string ConsumerGroup { get; init; } = "group";

    public HandledLog Log => log;

    /// <summary>Returns the exception a batch fails with, or null to handle it.</summary>
    public Func<IReadOnlyList<LogRecord>, Exception?> FailWith { get; set; } = _ => null;

    /// <summary>Time each batch takes, to let work pile up.</summary>
    public TimeSpan Delay { get; init; }

    public int Attempts => Volatile.Read(ref _attempts);

    public async Task HandleAsync(IReadOnlyList<LogRecord> batch, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _attempts);
        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay, cancellationToken);
        }

        if (FailWith(batch) is { } failure)
        {
            throw failure;
        }

        log.Add(member, batch);
    }
}

/// <summary>Writes a component's log to the test's output (ignored once the test has finished).</summary>
public sealed class TestLogger<T>(ITestOutputHelper output, string name) : ILogger<T>
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        try
        {
            output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} [{name}] {logLevel}: {formatter(state, exception)}{(exception is null ? "" : " — " + exception.GetType().Name + ": " + exception.Message)}");
        }
        catch (InvalidOperationException)
        {
            // The test is over.
        }
    }
}
