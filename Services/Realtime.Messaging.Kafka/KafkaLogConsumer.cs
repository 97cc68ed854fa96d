using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Realtime.Messaging.Log;

namespace Realtime.Messaging.Kafka;

/// <summary>
/// One consumer-group member for one topic. Offsets are committed only after the handler
/// succeeded for the whole batch; nothing at start-up depends on admin calls (a topic that does
/// not exist yet is waited for).
/// </summary>
/// <remarks>
/// <para><b>Guarantees.</b> At-least-once: a record's offset is committed only after it was
/// handled (or dead-lettered), so a crash, a stop or a lost partition redelivers it. Per-key order
/// within the group: a key lives in one partition, a partition has one owner at a time, and this
/// member never handles a record of a partition it no longer owns.</para>
/// <para><b>Rebalances: commit what was handled, discard what was not.</b> Assignments change only
/// inside <c>Consume()</c> (librdkafka runs the rebalance callbacks there, on this thread), and the
/// loop calls <c>Consume()</c> only while it gathers a batch — never while a batch is being handled.
/// So when partitions are revoked, the records of those partitions gathered so far have not been
/// handled: the revocation callback drops them from the batch, and the next owner fetches them
/// again from the committed offset. Handled records are committed right after their batch; a
/// commit the group refuses for now (while it rebalances, brokers — and the mock — answer
/// REBALANCE_IN_PROGRESS or ILLEGAL_GENERATION) is kept and retried with the next commit, and
/// at the latest in the revocation callback, while the partitions are still owned. When
/// partitions are <em>lost</em> (this member fell out of the group) nothing is committed for
/// them: they may already be someone else's.
/// Why not flush instead (handle the gathered records inside the callback before giving the
/// partitions up)? The callback would block the group's rebalance for as long as the handler
/// takes, and during an outage — waited out indefinitely — that is unbounded. Dropping unhandled
/// records costs nothing but a re-fetch. (The code this replaces did neither: it handled records
/// of revoked partitions while their new owner handled them too, breaking per-key order, then
/// committed offsets for partitions it no longer owned — which brokers accept, moving the new
/// owner's position backwards — and a refused commit stopped the consumer for good.)</para>
/// <para><b>Limits.</b> A batch whose handling outlasts <c>max.poll.interval.ms</c> (default
/// 5 minutes; outages are waited out) makes librdkafka leave the group; its partitions go to other
/// members and are handled again there — still at least once. With an eager assignor (range,
/// roundrobin) the revocation happens while the group is preparing the rebalance; brokers accept
/// the commit then, the mock cluster refuses it, and those records are handled twice.</para>
/// </remarks>
internal sealed partial class KafkaLogConsumer(
    ILogHandler handler,
    ILogProducer deadLetters,
    IOptions<KafkaOptions> kafka,
    IOptions<MessagingOptions> options,
    ILogger<KafkaLogConsumer> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        // Consume() blocks its thread for up to PollTimeout; start off the thread pool.
        Task.Factory.StartNew(() => RunAsync(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();

    /// <summary>
    /// The librdkafka consumer settings: the configured extras, with the ones the guarantees rest
    /// on imposed (group, manual commits, earliest reset for a new group so nothing is skipped).
    /// </summary>
    internal static ConsumerConfig CreateConfig(KafkaOptions kafka, string group)
    {
        var config = new ConsumerConfig(new Dictionary<string, string>(kafka.ConsumerConfig))
        {
            BootstrapServers = kafka.BootstrapServers,
            GroupId = group,
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
        };

        // Cooperative-sticky unless configured otherwise: a member joining or leaving moves only
        // the partitions that must move. The new consumer group protocol (KIP-848,
        // group.protocol=consumer) assigns on the broker and rejects a client-side assignor.
        var brokerAssigned = string.Equals(config.Get("group.protocol"), "consumer", StringComparison.OrdinalIgnoreCase);
        if (!brokerAssigned && config.Get("partition.assignment.strategy") is null)
        {
            config.PartitionAssignmentStrategy = PartitionAssignmentStrategy.CooperativeSticky;
        }

        // A member that dies holds its partitions until its session times out: librdkafka's 45 s
        // would stall them that long. 6 s is the brokers' default minimum (group.min.session.timeout.ms);
        // with the new protocol the broker decides.
        if (!brokerAssigned && config.Get("session.timeout.ms") is null)
        {
            config.SessionTimeoutMs = 6000;
            config.HeartbeatIntervalMs ??= 2000;
        }

        return config;
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        var processor = new LogRecordProcessor(handler, deadLetters, options.Value, logger);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ConsumeAsync(processor, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // A fatal client error, or a dead-letter append that cannot succeed: start over with
                // a new client. Uncommitted records are delivered again.
                LogConsumerFailed(e, handler.Topic, handler.ConsumerGroup);
                await Task.Delay(options.Value.RetryDelay, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task ConsumeAsync(LogRecordProcessor processor, CancellationToken stoppingToken)
    {
        var batch = new PendingBatch(options.Value.BatchSize);
        var handled = new HandledOffsets();
        using var consumer = new ConsumerBuilder<string, byte[]>(CreateConfig(kafka.Value, handler.ConsumerGroup))
            .SetPartitionsAssignedHandler((_, assigned) => LogAssigned(handler.Topic, handler.ConsumerGroup, assigned))
            .SetPartitionsRevokedHandler((c, revoked) => Revoked(c, batch, handled, revoked))
            .SetPartitionsLostHandler((_, lost) => Lost(batch, handled, lost))
            .SetErrorHandler((_, error) => LogClientError(handler.Topic, handler.ConsumerGroup, error.Code, error.Reason))
            .SetLogHandler((_, message) => LogClient(handler.Topic, message.Facility, message.Message))
            .Build();
        consumer.Subscribe(handler.Topic);
        LogStarted(handler.Topic, handler.ConsumerGroup);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                Gather(consumer, batch);
                if (batch.Count > 0)
                {
                    // No Consume() from here to the commit: the assignment cannot change underneath.
                    await processor.HandleAsync(batch.Records.ToArray(), stoppingToken);
                    handled.Add(batch.Offsets());
                    batch.Clear();
                }

                if (handled.Count > 0)
                {
                    TryCommit(consumer, handled);
                }
            }
        }
        finally
        {
            try
            {
                // Leaves the group at once instead of holding the partitions until the session
                // times out; the revocation commits what was handled and drops the rest.
                consumer.Close();
            }
            catch (KafkaException e)
            {
                LogCloseFailed(e, handler.Topic, handler.ConsumerGroup);
            }
        }
    }

    /// <summary>
    /// Takes up to a batch of records: waits up to the poll timeout for the first, then takes what
    /// is already fetched and what arrives within the handler's linger.
    /// </summary>
    private void Gather(IConsumer<string, byte[]> consumer, PendingBatch batch)
    {
        var wait = options.Value.PollTimeout;
        var lingerUntil = 0L;
        while (batch.Count < options.Value.BatchSize)
        {
            ConsumeResult<string, byte[]>? result;
            try
            {
                result = consumer.Consume(wait);
            }
            catch (ConsumeException e) when (!e.Error.IsFatal)
            {
                // E.g. "subscribed topic not available" before anything created it: librdkafka keeps
                // looking and assigns its partitions once it exists.
                LogConsumeError(handler.Topic, handler.ConsumerGroup, e.Error.Code, e.Error.Reason);
                return;
            }

            if (result is null || result.IsPartitionEOF)
            {
                return;
            }

            batch.Add(result.TopicPartitionOffset, ToRecord(result.Message));
            if (lingerUntil == 0)
            {
                lingerUntil = System.Diagnostics.Stopwatch.GetTimestamp() + (long)(handler.BatchLinger.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
            }

            var left = System.Diagnostics.Stopwatch.GetElapsedTime(System.Diagnostics.Stopwatch.GetTimestamp(), lingerUntil);
            wait = left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }
    }

    /// <summary>
    /// Partitions are being taken away (they are still owned while this runs): commit what was
    /// handled of them, drop what was not. Both leave the next owner to start exactly after the
    /// last handled record.
    /// </summary>
    private void Revoked(IConsumer<string, byte[]> consumer, PendingBatch batch, HandledOffsets handled, List<TopicPartitionOffset> revoked)
    {
        var dropped = batch.Discard(revoked);
        var owed = handled.Take(revoked);
        if (owed.Count > 0)
        {
            try
            {
                consumer.Commit(owed);
            }
            catch (KafkaException e)
            {
                // The next owner resumes from the previous commit: these records are handled twice.
                LogCommitAbandoned(e, handler.Topic, handler.ConsumerGroup, owed);
            }
        }

        LogRevoked(handler.Topic, handler.ConsumerGroup, revoked, dropped);
    }

    /// <summary>
    /// This member fell out of the group: the partitions may already be someone else's, so
    /// nothing is committed for them (it could move the new owner's position backwards).
    /// </summary>
    private void Lost(PendingBatch batch, HandledOffsets handled, List<TopicPartitionOffset> lost)
    {
        var dropped = batch.Discard(lost);
        var owed = handled.Take(lost);
        LogLost(handler.Topic, handler.ConsumerGroup, lost, dropped, owed.Count);
    }

    /// <summary>
    /// Commits the handled offsets. A commit the group refuses for now (a rebalance in progress,
    /// a generation just replaced, the coordinator moving) is kept and retried with the next
    /// commit or at revocation, so handled records are not handled again by the next owner.
    /// </summary>
    private void TryCommit(IConsumer<string, byte[]> consumer, HandledOffsets handled)
    {
        var offsets = handled.All();
        try
        {
            consumer.Commit(offsets);
            handled.Committed(offsets);
        }
        catch (KafkaException e) when (!e.Error.IsFatal)
        {
            LogCommitDeferred(handler.Topic, handler.ConsumerGroup, offsets, e.Error.Code, e.Error.Reason);
        }
    }

    private static LogRecord ToRecord(Message<string, byte[]> message)
    {
        Dictionary<string, string>? headers = null;
        if (message.Headers is { Count: > 0 })
        {
            headers = new Dictionary<string, string>(message.Headers.Count, StringComparer.Ordinal);
            foreach (var header in message.Headers)
            {
                headers[header.Key] = Encoding.UTF8.GetString(header.GetValueBytes());
            }
        }

        return new LogRecord(message.Key ?? "", message.Value ?? [], headers ?? LogRecord.NoHeaders);
    }

    /// <summary>Offsets of handled records not yet committed, per partition (the next record to handle).</summary>
    internal sealed class HandledOffsets
    {
        private readonly Dictionary<TopicPartition, Offset> _next = [];

        public int Count => _next.Count;

        public void Add(IEnumerable<TopicPartitionOffset> offsets)
        {
            foreach (var offset in offsets)
            {
                if (!_next.TryGetValue(offset.TopicPartition, out var known) || known < offset.Offset)
                {
                    _next[offset.TopicPartition] = offset.Offset;
                }
            }
        }

        public List<TopicPartitionOffset> All() => _next.Select(p => new TopicPartitionOffset(p.Key, p.Value)).ToList();

        /// <summary>Forgets what was committed (unless more was handled since).</summary>
        public void Committed(IEnumerable<TopicPartitionOffset> offsets)
        {
            foreach (var offset in offsets)
            {
                if (_next.TryGetValue(offset.TopicPartition, out var known) && known <= offset.Offset)
                {
                    _next.Remove(offset.TopicPartition);
                }
            }
        }

        /// <summary>Removes and returns the offsets of the given partitions.</summary>
        public List<TopicPartitionOffset> Take(IEnumerable<TopicPartitionOffset> partitions)
        {
            var taken = new List<TopicPartitionOffset>();
            foreach (var partition in partitions)
            {
                if (_next.Remove(partition.TopicPartition, out var offset))
                {
                    taken.Add(new TopicPartitionOffset(partition.TopicPartition, offset));
                }
            }

            return taken;
        }
    }

    /// <summary>Records taken but not yet handled, with where each came from.</summary>
    internal sealed class PendingBatch(int capacity)
    {
        private readonly List<TopicPartitionOffset> _positions = new(capacity);
        private readonly List<LogRecord> _records = new(capacity);

        public int Count => _records.Count;

        public IReadOnlyList<LogRecord> Records => _records;

        public void Add(TopicPartitionOffset position, LogRecord record)
        {
            _positions.Add(position);
            _records.Add(record);
        }

        /// <summary>Drops the records of partitions this member no longer owns; returns how many.</summary>
        public int Discard(IEnumerable<TopicPartitionOffset> partitions)
        {
            var gone = partitions.Select(p => p.TopicPartition).ToHashSet();
            var dropped = 0;
            for (var i = _records.Count - 1; i >= 0; i--)
            {
                if (gone.Contains(_positions[i].TopicPartition))
                {
                    _positions.RemoveAt(i);
                    _records.RemoveAt(i);
                    dropped++;
                }
            }

            return dropped;
        }

        /// <summary>The offsets to commit once the batch is handled: each partition's next record.</summary>
        public List<TopicPartitionOffset> Offsets()
        {
            var next = new Dictionary<TopicPartition, Offset>();
            foreach (var position in _positions)
            {
                next[position.TopicPartition] = position.Offset + 1;
            }

            return next.Select(p => new TopicPartitionOffset(p.Key, p.Value)).ToList();
        }

        public void Clear()
        {
            _positions.Clear();
            _records.Clear();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Consuming Kafka topic {Topic} as group {Group}")]
    private partial void LogStarted(string topic, string group);

    [LoggerMessage(Level = LogLevel.Information, Message = "Kafka topic {Topic}, group {Group}: assigned {Partitions}")]
    private partial void LogAssigned(string topic, string group, IEnumerable<TopicPartition> partitions);

    [LoggerMessage(Level = LogLevel.Information, Message = "Kafka topic {Topic}, group {Group}: revoked {Partitions}; {Dropped} records not yet handled are left to the next owner")]
    private partial void LogRevoked(string topic, string group, IEnumerable<TopicPartitionOffset> partitions, int dropped);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka topic {Topic}, group {Group}: lost {Partitions} (fell out of the group); {Dropped} records not yet handled and {Uncommitted} partitions' handled offsets are left to the next owner, which may handle records again")]
    private partial void LogLost(string topic, string group, IEnumerable<TopicPartitionOffset> partitions, int dropped, int uncommitted);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Kafka topic {Topic}, group {Group}: committing {Offsets} refused for now ({Code} {Reason}); retrying with the next commit")]
    private partial void LogCommitDeferred(string topic, string group, IEnumerable<TopicPartitionOffset> offsets, ErrorCode code, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka topic {Topic}, group {Group}: committing {Offsets} before giving the partitions up failed; the next owner will handle those records again")]
    private partial void LogCommitAbandoned(Exception exception, string topic, string group, IEnumerable<TopicPartitionOffset> offsets);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka topic {Topic}, group {Group}: {Code} {Reason}")]
    private partial void LogConsumeError(string topic, string group, ErrorCode code, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka consumer of {Topic}, group {Group}: {Code} {Reason}")]
    private partial void LogClientError(string topic, string group, ErrorCode code, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Kafka consumer of {Topic}: {Facility} {Message}")]
    private partial void LogClient(string topic, string facility, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "Kafka consumer of {Topic}, group {Group} failed; starting a new one")]
    private partial void LogConsumerFailed(Exception exception, string topic, string group);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Closing the Kafka consumer of {Topic}, group {Group} failed")]
    private partial void LogCloseFailed(Exception exception, string topic, string group);
}
