using Realtime.Infra.Tests.Models;
using Realtime.Infra.Tests.SourceOfTruth;
using Realtime.Infra.Tests.Support;
using Realtime.Messaging.Log;

namespace Realtime.Infra.Tests;

/// <summary>
/// The publication log's names — topics, consumer groups, dead-letter topics, stream keys, the
/// transport setting — agree between the code, the KEDA triggers, Strimzi's topics and Dapr.
/// </summary>
public sealed class LogNamingTests
{
    public static TheoryData<string> Variants() => new(Manifests.Variants);

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task Transport_setting_is_one_the_code_knows_and_matches_the_autoscaling(string variant)
    {
        var manifests = await Manifests.RenderAsync(variant);
        var setting = Assert.Contains(CodeNames.TransportKey, manifests.Config.Data);

        Assert.True(Enum.TryParse<LogTransport>(setting, out var transport), $"{CodeNames.TransportKey}={setting} is not a LogTransport");
        var dapr = manifests.All<DaprComponent>().SingleOrDefault(c => c.Spec.Type.StartsWith("pubsub.", StringComparison.Ordinal));
        var expectedTrigger = transport switch
        {
            LogTransport.Kafka => "kafka",
            LogTransport.RedisStreams => "redis-streams",
            LogTransport.Dapr => Assert.IsType<DaprComponent>(dapr).Spec.Type == "pubsub.kafka" ? "kafka" : "redis-streams",
            _ => throw new NotSupportedException(transport.ToString()),
        };
        foreach (var consumer in CodeNames.Consumers)
        {
            var triggers = Assert.IsType<ScaledObject>(manifests.ScaledObjectFor(consumer.Service)).Spec.Triggers;
            Assert.NotEmpty(triggers);
            Assert.All(triggers, trigger => Assert.Equal(expectedTrigger, trigger.Type));
        }

        Assert.Equal(transport == LogTransport.Dapr, dapr is not null);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task Kafka_triggers_watch_the_topic_and_group_each_consumer_reads(string variant)
    {
        var manifests = await Manifests.RenderAsync(variant);
        foreach (var consumer in CodeNames.Consumers)
        {
            var triggers = manifests.ScaledObjectFor(consumer.Service)!.Spec.Triggers;
            if (triggers.Any(t => t.Type != "kafka"))
            {
                continue;
            }

            // The Kafka scaler sums the lag over the topic's partitions itself: one trigger.
            var trigger = Assert.Single(triggers);

            Assert.Equal(consumer.Topic, trigger.Metadata["topic"]);
            Assert.Equal(consumer.Group, trigger.Metadata["consumerGroup"]);
            Assert.True(int.Parse(trigger.Metadata["lagThreshold"], System.Globalization.CultureInfo.InvariantCulture) > 0);
            // KafkaLogConsumer starts a new group at the earliest offset; lag must be counted the same way.
            Assert.Equal("earliest", trigger.Metadata["offsetResetPolicy"]);
        }
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task Redis_streams_triggers_watch_every_partition_stream_and_the_group_each_consumer_reads(string variant)
    {
        var manifests = await Manifests.RenderAsync(variant);
        foreach (var consumer in CodeNames.Consumers)
        {
            var triggers = manifests.ScaledObjectFor(consumer.Service)!.Spec.Triggers;
            if (triggers.Any(t => t.Type != "redis-streams"))
            {
                continue;
            }

            var environment = manifests.Environment(consumer.Service);
            var streams = triggers.Select(t => t.Metadata["stream"]).ToList();
            if (environment[CodeNames.TransportKey] == nameof(LogTransport.Dapr))
            {
                // Dapr's pubsub.redis keeps one stream per topic, named after it.
                Assert.Equal(new[] { consumer.Topic }, streams);
            }
            else
            {
                // The native transport: one stream per partition (RedisStreamKeys.Partition), as many
                // as the service is configured with, or the code's default; KEDA takes the largest
                // replica count any trigger asks for, so every partition needs its trigger.
                var partitions = CodeNames.MessagingOptionsOf(environment).RedisStreamPartitions;
                Assert.Equal(CodeNames.RedisStreamKeysOf(consumer.Topic, partitions), streams);
            }

            Assert.Equal(triggers.Count, triggers.Select(t => t.Name).Distinct().Count());
            Assert.All(triggers, trigger =>
            {
                Assert.Equal(consumer.Group, trigger.Metadata["consumerGroup"]);
                Assert.True(int.Parse(trigger.Metadata["lagCount"], System.Globalization.CultureInfo.InvariantCulture) > 0);
            });
        }
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task Every_log_user_is_given_the_same_pinned_partition_count(string variant)
    {
        var manifests = await Manifests.RenderAsync(variant);
        if (manifests.Config.Data[CodeNames.TransportKey] != nameof(LogTransport.RedisStreams))
        {
            return;
        }

        // Producers pick a record's stream by the partition count and consumers read by it: they
        // must agree. It is pinned in the deployment, so a changed default in the code cannot
        // re-partition a running log on upgrade.
        var counts = CodeNames.LogUsers.ToDictionary(service => service, service => manifests.Environment(service).GetValueOrDefault(CodeNames.RedisStreamPartitionsKey));
        Assert.All(counts, c => Assert.False(string.IsNullOrEmpty(c.Value), $"{c.Key} has no {CodeNames.RedisStreamPartitionsKey}"));
        Assert.Single(counts.Values.Distinct());
    }

    [Fact]
    public async Task Kafka_topics_exist_for_every_log_topic_and_its_dead_letter_topic()
    {
        var topics = (await BackingKafkaAsync()).All<KafkaTopic>().Select(t => t.Spec.TopicName).ToList();

        foreach (var topic in CodeNames.Topics)
        {
            Assert.Contains(topic, topics);
            Assert.Contains(CodeNames.DeadLetter(topic), topics);
        }
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task Scaling_is_capped_at_what_the_log_can_spread_over(string variant)
    {
        var manifests = await Manifests.RenderAsync(variant);
        var partitions = (await BackingKafkaAsync()).All<KafkaTopic>().ToDictionary(t => t.Spec.TopicName, t => t.Spec.Partitions);
        foreach (var consumer in CodeNames.Consumers)
        {
            var scaled = manifests.ScaledObjectFor(consumer.Service)!;
            var environment = manifests.Environment(consumer.Service);
            var transport = Enum.Parse<LogTransport>(environment[CodeNames.TransportKey]!);
            var type = scaled.Spec.Triggers.Select(t => t.Type).Distinct().Single();
            Assert.InRange(scaled.Spec.MinReplicaCount ?? 0, 1, scaled.Spec.MaxReplicaCount ?? 100);
            if (type == "kafka")
            {
                // A partition has one reader in the group: more members than partitions would sit idle.
                Assert.InRange(scaled.Spec.MaxReplicaCount!.Value, 1, partitions[consumer.Topic]);
            }
            else if (transport == LogTransport.RedisStreams)
            {
                // Members lease partitions, one reader each: the partition count caps useful members.
                Assert.InRange(scaled.Spec.MaxReplicaCount!.Value, 1, CodeNames.MessagingOptionsOf(environment).RedisStreamPartitions);
            }
            else if (consumer.Topic == LogTopics.Publications)
            {
                // Dapr on Redis: one stream whose entries a group's members take round-robin, not by
                // channel, so two sequencers could reorder a publisher's messages.
                Assert.Equal(1, scaled.Spec.MaxReplicaCount);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task Kafka_bootstrap_address_is_the_same_everywhere_and_is_the_brokers(string variant)
    {
        var manifests = await Manifests.RenderAsync(variant);
        var addresses = manifests.All<ScaledObject>().SelectMany(s => s.Spec.Triggers)
            .Where(t => t.Type == "kafka").Select(t => t.Metadata["bootstrapServers"])
            .Concat(manifests.All<DaprComponent>().Where(c => c.Spec.Type == "pubsub.kafka").Select(c => c.MetadataValue("brokers")!))
            .ToList();
        if (manifests.Config.Data.TryGetValue(CodeNames.ConnectionStringKey(Realtime.Contracts.ServiceNames.Kafka), out var connectionString))
        {
            addresses.Add(connectionString);
        }

        if (addresses.Count == 0)
        {
            return;
        }

        var kafka = (await BackingKafkaAsync()).All<StrimziKafka>().Single();
        Assert.All(addresses, a => Assert.Equal(kafka.BootstrapAddress("plain"), a));
    }

    internal static Task<RenderedManifests> BackingKafkaAsync() => Manifests.RenderAsync("infra/backing/kafka");
}
