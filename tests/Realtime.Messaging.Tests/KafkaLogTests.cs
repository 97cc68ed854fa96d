using System.Diagnostics;
using Realtime.Messaging.Kafka;
using Realtime.Messaging.Log;
using Realtime.Testing;
using Xunit.Abstractions;

namespace Realtime.Messaging.Tests;

/// <summary>The Kafka transport (producer and consumer-group member) against librdkafka's mock cluster.</summary>
public sealed class KafkaLogTests(ITestOutputHelper output) : KafkaTestBase(output)
{
    private const string TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    [Fact]
    public async Task Records_of_one_key_arrive_in_order_with_their_headers()
    {
        Cluster.CreateTopic("orders", partitions: 3);
        var producer = NewProducer();
        for (var i = 0; i < 50; i++)
        {
            await AppendAsync(producer, "orders", "channel-a", $"m{i}", new Dictionary<string, string> { ["traceparent"] = TraceParent, ["x-app"] = $"h{i}" });
        }

        var log = new HandledLog();
        await using (await StartConsumerAsync(new TestHandler("orders", log)))
        {
            await Eventually.TrueAsync(() => Task.FromResult(log.Count >= 50), Timeout, "50 records");
        }

        var handled = log.Snapshot();
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"m{i}"), handled.Select(h => h.Payload));
        Assert.All(handled, h => Assert.Equal("channel-a", h.Record.Key));
        Assert.All(handled, h => Assert.Equal(TraceParent, h.Record.Headers["traceparent"]));
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"h{i}"), handled.Select(h => h.Record.Headers["x-app"]));
        // One key, one partition.
        Assert.Single(HighWatermarks("orders"), p => p.Value > 0);
    }

    [Fact]
    public async Task Records_of_many_keys_spread_over_the_partitions_and_keep_per_key_order()
    {
        Cluster.CreateTopic("spread", partitions: 6);
        var producer = NewProducer();
        var keys = Enumerable.Range(0, 12).Select(k => $"channel-{k}").ToArray();
        const int perKey = 20;
        // Interleaved across keys, concurrently per round: order is only promised within a key.
        for (var i = 0; i < perKey; i++)
        {
            await Task.WhenAll(keys.Select(key => AppendAsync(producer, "spread", key, $"{key}:{i}")));
        }

        var log = new HandledLog();
        await using (await StartConsumerAsync(new TestHandler("spread", log)))
        {
            await Eventually.TrueAsync(() => Task.FromResult(log.Count >= keys.Length * perKey), Timeout, "every record");
            await CommittedAsync("spread", "group", keys.Length * perKey, "every offset committed");
        }

        AssertPerKeyOrder(log.Snapshot(), keys, perKey);
        Assert.True(HighWatermarks("spread").Count(p => p.Value > 0) >= 3, "the keys should land in several partitions");
        Assert.Equal(HighWatermarks("spread"), Committed("spread", "group"));
    }

    [Fact]
    public async Task An_outage_is_retried_and_the_offset_is_committed_only_after_success()
    {
        Cluster.CreateTopic("retries", partitions: 3);
        var producer = NewProducer();
        for (var i = 0; i < 10; i++)
        {
            await AppendAsync(producer, "retries", "k", $"m{i}");
        }

        var outage = true;
        var log = new HandledLog();
        var handler = new TestHandler("retries", log) { FailWith = _ => Volatile.Read(ref outage) ? new TimeoutException("an outage") : null };
        await using (await StartConsumerAsync(handler))
        {
            await Eventually.TrueAsync(() => Task.FromResult(handler.Attempts >= 5), Timeout, "the handler to be retried through the outage");
            Assert.Equal(0, log.Count);
            Assert.All(Committed("retries", "group").Values, offset => Assert.Equal(0, offset));

            Volatile.Write(ref outage, false);
            await Eventually.TrueAsync(() => Task.FromResult(log.Count >= 10), Timeout, "the records once the outage is over");
            await Eventually.TrueAsync(() => Task.FromResult(Committed("retries", "group").Values.Max() == 10), Timeout, "the commit after success");
        }

        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"m{i}"), log.Payloads());
        // An outage is never the records' fault: nothing was dead-lettered.
        Assert.DoesNotContain(LogTopics.DeadLetter("retries"), ClusterTopics());
    }

    [Fact]
    public async Task A_restarted_member_resumes_from_the_committed_offsets_without_loss_or_skips()
    {
        Cluster.CreateTopic("resume", partitions: 3);
        var producer = NewProducer();
        var keys = new[] { "a", "b", "c", "d" };
        for (var i = 0; i < 10; i++)
        {
            foreach (var key in keys)
            {
                await AppendAsync(producer, "resume", key, $"{key}:{i}");
            }
        }

        // First life: handles the first 40 records, then its dependency goes away while it is
        // holding (fetched, not committed) the next 40, and it is stopped.
        var first = new HandledLog();
        var outage = false;
        var firstHandler = new TestHandler("resume", first) { FailWith = _ => Volatile.Read(ref outage) ? new IOException("dependency down") : null };
        await using (var member = await StartConsumerAsync(firstHandler, "first"))
        {
            await CommittedAsync("resume", "group", 40, "the first 40 committed");
            Volatile.Write(ref outage, true);
            var attempts = firstHandler.Attempts;
            for (var i = 10; i < 20; i++)
            {
                foreach (var key in keys)
                {
                    await AppendAsync(producer, "resume", key, $"{key}:{i}");
                }
            }

            await Eventually.TrueAsync(() => Task.FromResult(firstHandler.Attempts >= attempts + 3), Timeout, "the first member to hold the new records");
        }

        Assert.Equal(40, Committed("resume", "group").Values.Sum());
        Assert.Equal(40, first.Count);

        // Second life: exactly the 40 uncommitted records, each key in order.
        var second = new HandledLog();
        await using (await StartConsumerAsync(new TestHandler("resume", second, "second"), "second"))
        {
            await CommittedAsync("resume", "group", 80, "the rest committed");
        }

        Assert.Equal(40, second.Count);
        foreach (var key in keys)
        {
            Assert.Equal(Enumerable.Range(10, 10).Select(i => $"{key}:{i}"), second.Payloads().Where(p => p.StartsWith(key + ":", StringComparison.Ordinal)));
        }
    }

    [Fact]
    public async Task A_record_that_keeps_failing_goes_to_the_dead_letter_topic_and_later_records_still_flow()
    {
        // The dead-letter topic is not created: the producer's append creates it (automatic creation).
        Cluster.CreateTopic("poisoned", partitions: 3);
        var producer = NewProducer();
        foreach (var payload in new[] { "a", "poison", "b" })
        {
            await AppendAsync(producer, "poisoned", "k", payload, new Dictionary<string, string> { ["traceparent"] = TraceParent });
        }

        var log = new HandledLog();
        var handler = new TestHandler("poisoned", log)
        {
            FailWith = batch => batch.Any(r => Text(r) == "poison") ? new InvalidDataException("poison record") : null,
        };
        await using (var member = await StartConsumerAsync(handler))
        {
            await Eventually.TrueAsync(() => Task.FromResult(log.Count >= 2), Timeout, "the good records");
            foreach (var payload in new[] { "c", "d" })
            {
                await AppendAsync(producer, "poisoned", "k", payload);
            }

            await Eventually.TrueAsync(() => Task.FromResult(log.Count >= 4), Timeout, "records appended after the poison");
            await CommittedAsync("poisoned", "group", 5, "every offset committed, the poison's too");
            member.AssertAlive();
        }

        Assert.Equal(["a", "b", "c", "d"], log.Payloads());
        var dead = Assert.Single(ReadTopic(LogTopics.DeadLetter("poisoned"), 1));
        Assert.Equal("k", dead.Key);
        Assert.Equal("poison", Text(dead.Value));
        var headers = dead.Headers.ToDictionary(h => h.Key, h => Text(h.GetValueBytes()));
        Assert.Contains("poison record", headers[LogRecordProcessor.DeadLetterReasonHeader], StringComparison.Ordinal);
        Assert.Equal("3", headers[LogRecordProcessor.DeadLetterAttemptsHeader]);
        Assert.Equal("group", headers[LogRecordProcessor.DeadLetterGroupHeader]);
        Assert.Equal(TraceParent, headers["traceparent"]);
    }

    [Fact]
    public async Task Producer_and_consumer_start_on_a_topic_nobody_created()
    {
        // No admin call anywhere, and no topic: the member starts first and waits for the topic;
        // the first append creates it (the mock auto-creates with 4 partitions).
        var log = new HandledLog();
        await using var member = await StartConsumerAsync(new TestHandler("unplanned", log));
        var producer = NewProducer();
        for (var i = 0; i < 5; i++)
        {
            await AppendAsync(producer, "unplanned", "k", $"m{i}");
        }

        await Eventually.TrueAsync(() => Task.FromResult(log.Count >= 5), Timeout, "records of the auto-created topic");
        member.AssertAlive();
        Assert.Equal(["m0", "m1", "m2", "m3", "m4"], log.Payloads());
        Assert.Equal(4, Partitions("unplanned").Count);
    }

    [Fact]
    public async Task Group_protocol_consumer_works_without_a_client_side_assignor()
    {
        // KIP-848: the broker assigns partitions; the transport must not impose cooperative-sticky then.
        ConsumerSettings["group.protocol"] = "consumer";
        ConsumerSettings.Remove("session.timeout.ms");
        ConsumerSettings.Remove("heartbeat.interval.ms");
        Assert.Null(KafkaLogConsumer.CreateConfig(Kafka, "g").PartitionAssignmentStrategy);

        Cluster.CreateTopic("kip848", partitions: 2);
        var producer = NewProducer();
        for (var i = 0; i < 5; i++)
        {
            await AppendAsync(producer, "kip848", "k", $"m{i}");
        }

        var log = new HandledLog();
        await using (await StartConsumerAsync(new TestHandler("kip848", log)))
        {
            await Eventually.TrueAsync(() => Task.FromResult(log.Count >= 5), Timeout, "records under the consumer group protocol");
        }

        Assert.Equal(["m0", "m1", "m2", "m3", "m4"], log.Payloads());
    }

    [Fact]
    public void The_consumer_imposes_what_its_guarantees_rest_on_and_keeps_other_settings()
    {
        var options = new KafkaOptions
        {
            BootstrapServers = "broker:9092",
            ConsumerConfig = new()
            {
                ["enable.auto.commit"] = "true",
                ["auto.offset.reset"] = "latest",
                ["group.id"] = "other",
                ["session.timeout.ms"] = "7000",
                ["security.protocol"] = "SASL_SSL",
            },
        };

        var config = KafkaLogConsumer.CreateConfig(options, "fanout");

        Assert.Equal("broker:9092", config.BootstrapServers);
        Assert.Equal("fanout", config.GroupId);
        Assert.False(config.EnableAutoCommit);
        Assert.Equal(Confluent.Kafka.AutoOffsetReset.Earliest, config.AutoOffsetReset);
        Assert.Equal(Confluent.Kafka.PartitionAssignmentStrategy.CooperativeSticky, config.PartitionAssignmentStrategy);
        Assert.Equal(7000, config.SessionTimeoutMs);
        Assert.Equal("SASL_SSL", config.Get("security.protocol"));

        options.ConsumerConfig["partition.assignment.strategy"] = "range,roundrobin";
        Assert.Equal("range,roundrobin", KafkaLogConsumer.CreateConfig(options, "fanout").Get("partition.assignment.strategy"));

        // Unset, a dead member's partitions wait 6 s, not librdkafka's 45 s.
        options.ConsumerConfig.Remove("session.timeout.ms");
        var defaults = KafkaLogConsumer.CreateConfig(options, "fanout");
        Assert.Equal((6000, 2000), (defaults.SessionTimeoutMs, defaults.HeartbeatIntervalMs));
    }

    [Fact]
    public void Headers_keep_the_records_own_entries_and_trace_when_a_send_span_is_recorded()
    {
        var record = new LogRecord("k", "x"u8.ToArray(), new Dictionary<string, string>
        {
            ["traceparent"] = TraceParent,
            [LogRecordProcessor.DeadLetterReasonHeader] = "InvalidDataException: poison record",
        });

        // A send span in another trace (e.g. a consumer's, dead-lettering): the record keeps its trace.
        using (var unrelated = new Activity("send").Start())
        {
            var headers = KafkaLogProducer.HeadersOf(record, unrelated);
            Assert.Equal(TraceParent, headers["traceparent"]);
            Assert.Equal("InvalidDataException: poison record", headers[LogRecordProcessor.DeadLetterReasonHeader]);
        }

        // A send span continuing the record's trace (the publish path): consumers link to the send span.
        using (var continuing = new Activity("send").SetParentId(TraceParent).Start())
        {
            var headers = KafkaLogProducer.HeadersOf(record, continuing);
            Assert.Equal(continuing.Id, headers["traceparent"]);
            Assert.StartsWith("00-0af7651916cd43dd8448eb211c80319c-", headers["traceparent"], StringComparison.Ordinal);
            Assert.Equal("InvalidDataException: poison record", headers[LogRecordProcessor.DeadLetterReasonHeader]);
        }

        // No span (nobody listening): the record's headers as they are.
        Assert.Same(record.Headers, KafkaLogProducer.HeadersOf(record, null));
    }

    private List<string> ClusterTopics()
    {
        using var admin = new Confluent.Kafka.AdminClientBuilder(new Confluent.Kafka.AdminClientConfig { BootstrapServers = Cluster.BootstrapServers })
            .SetLogHandler((_, _) => { }).Build();
        return admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics.Select(t => t.Topic).ToList();
    }

    internal static void AssertPerKeyOrder(List<HandledLog.Handled> handled, string[] keys, int perKey)
    {
        foreach (var key in keys)
        {
            var sequence = handled.Where(h => h.Record.Key == key).Select(h => h.Payload).ToList();
            Assert.Equal(Enumerable.Range(0, perKey).Select(i => $"{key}:{i}"), sequence);
        }
    }

    /// <summary>Brokers that cannot be reached reach the caller as the port's outage, not as a Kafka type.</summary>
    [Fact]
    public async Task Unreachable_brokers_reach_the_caller_as_the_ports_outage()
    {
        using var producer = new KafkaLogProducer(Microsoft.Extensions.Options.Options.Create(new KafkaOptions
        {
            BootstrapServers = $"127.0.0.1:{FreePort.Next()}",
            ProducerConfig = new() { ["message.timeout.ms"] = "1000" },
        }));

        var outage = await Assert.ThrowsAsync<LogUnavailableException>(() => AppendAsync(producer, "orders", "k", "nowhere"));
        Assert.IsAssignableFrom<Confluent.Kafka.KafkaException>(outage.InnerException);
        Assert.True(TransientFailures.IsTransient(outage));
    }
}
